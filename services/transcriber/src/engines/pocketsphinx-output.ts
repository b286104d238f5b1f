import type { TimedWord } from './segments.ts'

/**
 * Reads what `pocketsphinx_continuous -time yes` prints on stdout. Per utterance it prints the
 * hypothesis as one line, then one line per token: `token start end confidence`, for example
 *
 *     he was not an ill disposed young man
 *     <s> 8.490 8.820 0.999500
 *     he 8.830 8.930 0.999100
 *     was(2) 8.940 9.160 0.999600
 *     <sil> 9.590 9.730 0.580792
 *     </s> 11.350 11.710 1.000000
 *
 * Only the token lines are used: they carry the times, and the hypothesis line repeats them.
 * An utterance with nothing recognised prints an empty hypothesis and only `<s>` and `</s>`.
 */

const tokenLine = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/

/** `and(2)` is the second pronunciation of `and` in the dictionary; the word is the same. */
const pronunciationVariant = /\(\d+\)$/

const utteranceEnd = '</s>'

export interface TokenLine {
  token: string
  start: number
  end: number
}

/** Returns the token of a time line, or undefined for a hypothesis or any other line. */
export function parseTokenLine(line: string): TokenLine | undefined {
  const match = tokenLine.exec(line.trim())
  if (!match) return undefined

  const [, token = '', start = '', end = ''] = match
  return { token, start: Number(start), end: Number(end) }
}

/**
 * Tokens that are not words: `<s>`, `</s>` and `<sil>` mark silence, `[NOISE]` and `[SPEECH]`
 * come from the noise dictionary, and older models spell their fillers `++BREATH++` or
 * `+UM+`. Dictionary words never start with these characters.
 */
export function isFillerToken(token: string): boolean {
  return token.startsWith('<') || token.startsWith('[') || token.startsWith('+')
}

export function stripPronunciationVariant(token: string): string {
  return token.replace(pronunciationVariant, '')
}

/**
 * Accumulates the words of one run, line by line, in the order pocketsphinx prints them.
 *
 * @example
 * const output = new PocketsphinxOutput()
 * for (const line of lines) if (output.push(line)) report(output.lastWordEnd)
 * groupWordsIntoSegments(output.words)
 */
export class PocketsphinxOutput {
  readonly words: TimedWord[] = []
  /** End of the last real word seen, in seconds; 0 before any. */
  lastWordEnd = 0
  private utterance = 0

  /** Takes one stdout line; returns true when the line closed an utterance. */
  push(line: string): boolean {
    const parsed = parseTokenLine(line)
    if (!parsed) return false

    if (parsed.token === utteranceEnd) {
      this.utterance += 1
      return true
    }
    if (isFillerToken(parsed.token)) return false

    const word = stripPronunciationVariant(parsed.token)
    this.words.push({ word, start: parsed.start, end: parsed.end, utterance: this.utterance })
    this.lastWordEnd = Math.max(this.lastWordEnd, parsed.end)
    return false
  }
}
