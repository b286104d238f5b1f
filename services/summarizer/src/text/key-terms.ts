import { isContentWord } from './words.ts'

/**
 * Key points are the transcript's most repeated content terms and two-word phrases, not
 * sentences: the summary already quotes sentences, and in an unpunctuated speech transcript a
 * term list ("Gradient descent", "Learning rate") reads better than more fragments of speech.
 *
 * - A phrase is two adjacent content words inside one unit, said at least twice; once is
 *   chance. It scores twice its count: it names an idea more precisely than either word.
 * - A single term counts only its mentions outside repeated phrases, and needs two of them,
 *   unless nothing was said twice, as in a short input, where every term is all there is.
 * - Items are distinct: once a term is listed, nothing else containing its words is.
 * - Ties go to the term said first, so the output is deterministic.
 *
 * Limitation: terms are lowercase with the first letter capitalised, so acronyms and names
 * lose their case (`NATS` becomes `Nats`).
 */

interface Candidate {
  words: string[]
  count: number
  score: number
  firstPosition: number
}

const phraseWeight = 2

/**
 * Picks up to `limit` key terms from the token lists of the transcript's units.
 *
 * @example
 * extractKeyTerms([
 *   ['gradient', 'descent', 'needs', 'a', 'learning', 'rate'],
 *   ['gradient', 'descent', 'with', 'a', 'smaller', 'rate'],
 * ], 3)
 * // ['Gradient descent', 'Rate']: `learning rate` was said once, `rate` twice
 */
export function extractKeyTerms(units: readonly (readonly string[])[], limit: number): string[] {
  if (limit <= 0) return []

  const candidates = countCandidates(units)
  let mostMentions = 0
  for (const candidate of candidates.values()) {
    mostMentions = Math.max(mostMentions, candidate.count)
  }
  const minMentions = mostMentions >= 2 ? 2 : 1

  const ranked = [...candidates.values()]
    .filter((candidate) => candidate.count >= minMentions)
    .sort((a, b) => b.score - a.score || a.firstPosition - b.firstPosition)

  const used = new Set<string>()
  const picked: string[] = []
  for (const candidate of ranked) {
    if (picked.length >= limit) break
    if (candidate.words.some((word) => used.has(word))) continue
    for (const word of candidate.words) used.add(word)
    picked.push(capitalise(candidate.words.join(' ')))
  }
  return picked
}

/**
 * Counts repeated phrases first, then single terms only where they stand outside a repeated
 * phrase. Otherwise `light`, counted inside every `light reactions`, would always outrank the
 * phrase that names the idea, and `reactions` would follow it as a second item.
 */
function countCandidates(units: readonly (readonly string[])[]): Map<string, Candidate> {
  const phrases = new Map<string, Candidate>()
  forEachToken(units, (word, next, position) => {
    if (next === undefined || next === word || !isContentWord(word) || !isContentWord(next)) {
      return
    }
    mention(phrases, [word, next], phraseWeight, position)
  })

  const repeated = (first: string | undefined, second: string | undefined) =>
    (phrases.get(`${first} ${second}`)?.count ?? 0) >= 2

  const candidates = new Map<string, Candidate>()
  forEachToken(units, (word, next, position, previous) => {
    if (!isContentWord(word) || repeated(previous, word) || repeated(word, next)) return
    mention(candidates, [word], 1, position)
  })

  for (const [key, phrase] of phrases) if (phrase.count >= 2) candidates.set(key, phrase)
  return candidates
}

type TokenVisitor = (
  word: string,
  next: string | undefined,
  position: number,
  previous: string | undefined,
) => void

/** Visits every token with its neighbours in the same unit and its position in the text. */
function forEachToken(units: readonly (readonly string[])[], visit: TokenVisitor) {
  let position = 0
  for (const tokens of units) {
    for (const [index, word] of tokens.entries()) {
      visit(word, tokens[index + 1], position, tokens[index - 1])
      position += 1
    }
  }
}

function mention(counts: Map<string, Candidate>, words: string[], weight: number, at: number) {
  const key = words.join(' ')
  const known = counts.get(key)
  if (known) {
    known.count += 1
    known.score += weight
  } else {
    counts.set(key, { words, count: 1, score: weight, firstPosition: at })
  }
}

function capitalise(text: string): string {
  return text.replace(/\p{L}/u, (letter) => letter.toUpperCase())
}
