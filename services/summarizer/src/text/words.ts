import { stopWords } from './stop-words.ts'

/** A word: letters and digits, with apostrophes only inside (`don't`, `o'clock`). */
const wordPattern = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu

const possessive = /'s$/

const hasLetter = /\p{L}/u

/**
 * Splits text into lowercase words. Curly apostrophes become straight ones and a possessive
 * `'s` is dropped, so that `lecture`, `Lecture's` and `lecture’s` count as one term.
 *
 * @example
 * tokenize("The lecture's first half — don't skip it!")
 * // ['the', 'lecture', 'first', 'half', "don't", 'skip', 'it']
 */
export function tokenize(text: string): string[] {
  const normalised = text.toLowerCase().replace(/[\u2018\u2019]/g, "'")
  const found = normalised.match(wordPattern) ?? []
  return found.map((word) => (stopWords.has(word) ? word : word.replace(possessive, '')))
}

/**
 * A word that says what the text is about: not a stop word, at least two characters and not
 * a bare number. Two-letter terms such as `ai` or `ml` stay; the stop-word list holds the
 * two-letter function words.
 */
export function isContentWord(word: string): boolean {
  return word.length >= 2 && hasLetter.test(word) && !stopWords.has(word)
}
