import type { SummaryInput } from '../engines/engine.ts'

/**
 * The pieces of a transcript that a summary may quote. A punctuated transcript (from an
 * engine such as Whisper) is split into its sentences. An unpunctuated one (PocketSphinx
 * prints lowercase words only) has no sentences, so its segments stand in for them: they
 * follow the speaker's pauses, which is the best boundary such a transcript has.
 */
export interface TextUnit {
  text: string
  /** True when the unit is a sentence of a punctuated transcript, as written. */
  punctuated: boolean
}

/** Words per unit when an unpunctuated transcript comes without segments. */
const wordsPerChunk = 20

const closers = `["'\u201d\u2019)\\]]*`
const openers = `["'\u201c\u2018(\\[]?`

/**
 * A sentence ends at `.`, `!` or `?` (with any closing quotes) followed by space and a
 * capital or digit. Requiring the capital keeps PocketSphinx's dictionary spellings such as
 * `s.` or `a.m.` inside lowercase text from passing for sentence ends.
 */
const sentenceBreak = new RegExp(`(?<=[.!?]${closers})\\s+(?=${openers}[\\p{Lu}\\p{N}])`, 'u')
const wholeSentence = new RegExp(`^${openers}\\p{Lu}[\\s\\S]*[.!?]${closers}$`, 'u')

/**
 * Tells whether the transcript carries its own sentence punctuation: at least one sentence
 * break, or one capitalised sentence with its final stop.
 */
export function hasSentencePunctuation(text: string): boolean {
  const trimmed = text.trim()
  return sentenceBreak.test(trimmed) || wholeSentence.test(trimmed)
}

/**
 * Splits a transcript into quotable units, in transcript order. A blank transcript has none,
 * whatever its segments say: the text is the transcript, the segments only time it.
 *
 * Limitation: abbreviations followed by a capital (`Dr. Smith`) end a sentence early; the
 * halves are still quoted verbatim, only shorter.
 *
 * @example
 * splitIntoUnits({ text: 'One idea. Another one!', segments: [] })
 * // [{ text: 'One idea.', punctuated: true }, { text: 'Another one!', punctuated: true }]
 */
export function splitIntoUnits(input: SummaryInput): TextUnit[] {
  const text = input.text.trim()
  if (text === '') return []

  if (hasSentencePunctuation(text)) {
    return text
      .split(sentenceBreak)
      .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
      .filter((sentence) => sentence !== '')
      .map((sentence) => ({ text: sentence, punctuated: true }))
  }

  const segmentTexts = (input.segments ?? [])
    .map((segment) => segment.text.replace(/\s+/g, ' ').trim())
    .filter((segmentText) => segmentText !== '')
  if (segmentTexts.length > 0) {
    return segmentTexts.map((segmentText) => ({ text: segmentText, punctuated: false }))
  }

  return chunkWords(text).map((chunk) => ({ text: chunk, punctuated: false }))
}

/** An unpunctuated text without segments is cut into runs of words of similar length. */
function chunkWords(text: string): string[] {
  const words = text.split(/\s+/)
  const chunks: string[] = []
  for (let start = 0; start < words.length; start += wordsPerChunk) {
    chunks.push(words.slice(start, start + wordsPerChunk).join(' '))
  }
  return chunks
}

/**
 * Turns a unit into a summary sentence: first letter capitalised and a final stop added when
 * it has none. A sentence that ends in `?` or `!` keeps it: turning a question into a
 * statement would change what was said. In lowercase speech transcripts the pronoun `i` is
 * capitalised too; nothing else is changed, so every sentence can be found in the input.
 *
 * @example
 * toSummarySentence({ text: "so i think entropy always grows", punctuated: false })
 * // "So I think entropy always grows."
 */
export function toSummarySentence(unit: TextUnit): string {
  let sentence = unit.text.replace(/[\s,;:\u2013\u2014-]+$/u, '')
  if (!unit.punctuated) sentence = sentence.replace(/\bi(?=$|\s|'(?:m|ll|ve|d)\b)/g, 'I')

  sentence = sentence.replace(/\p{L}/u, (letter) => letter.toUpperCase())
  const ended = new RegExp(`[.!?]${closers}$`, 'u').test(sentence)
  return ended ? sentence : `${sentence}.`
}
