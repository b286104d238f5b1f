/**
 * Word error rate: the fewest word substitutions, deletions and insertions that turn the
 * hypothesis into the reference, divided by the number of reference words. Tests of every
 * speech engine use it to hold recognition quality to a measured bound.
 */

/**
 * Lowercases and keeps letters, digits and in-word apostrophes, so that `Don't,` and `don't`
 * match and `cold-hearted` reads as two words, as reference transcripts usually spell it.
 *
 * Limitation: no spelling normalisation: `mr` against `mister` or `3` against `three` counts
 * as an error, although a reader would accept either.
 */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '')
}

/**
 * Counts the word edits between two texts (Levenshtein distance over words).
 *
 * Limitation: time and memory are O(n·m) and O(m); two 20,000-word transcripts take seconds,
 * which suits tests but not a request path.
 */
export function wordEditDistance(
  reference: readonly string[],
  hypothesis: readonly string[],
): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, index) => index)
  let current = new Array<number>(hypothesis.length + 1).fill(0)

  for (let r = 1; r <= reference.length; r += 1) {
    current[0] = r
    for (let h = 1; h <= hypothesis.length; h += 1) {
      const substitution = reference[r - 1] === hypothesis[h - 1] ? 0 : 1
      current[h] = Math.min(
        (previous[h] ?? 0) + 1,
        (current[h - 1] ?? 0) + 1,
        (previous[h - 1] ?? 0) + substitution,
      )
    }
    ;[previous, current] = [current, previous]
  }

  return previous[hypothesis.length] ?? 0
}

/**
 * Returns the word error rate of `hypothesis` against `reference`: 0 is a perfect match, and
 * it can exceed 1 when the hypothesis inserts many words. An empty reference counts as one
 * word, so the rate is then the number of inserted words, and 0 when both are empty.
 *
 * @example
 * wordErrorRate('He was not an ill disposed young man', 'he was not until this young man')
 * // 0.375: three edits (two substitutions, one deletion) against eight reference words
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const referenceWords = normaliseWords(reference)
  const hypothesisWords = normaliseWords(hypothesis)
  const edits = wordEditDistance(referenceWords, hypothesisWords)
  return edits / Math.max(1, referenceWords.length)
}
