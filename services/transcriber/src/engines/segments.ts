import { roundSeconds, type TranscriptSegment } from './engine.ts'

/** A recognised word with its times in seconds and the utterance the engine put it in. */
export interface TimedWord {
  word: string
  start: number
  end: number
  utterance: number
}

export interface SegmentLimits {
  /** A pause at least this long between two words starts a new segment. */
  minPauseSec: number
  /** A segment never spans more than this many seconds, unless one word alone does. */
  maxDurationSec: number
  maxWords: number
}

/**
 * Segments are what a reader scrolls through and what the summariser treats as sentences,
 * so they follow the speaker's pauses first and are capped so that a long unbroken stretch
 * still yields readable lines with useful timestamps.
 */
export const defaultSegmentLimits: SegmentLimits = {
  minPauseSec: 0.5,
  maxDurationSec: 12,
  maxWords: 30,
}

/**
 * Groups consecutive words into segments. Words must be in time order, as every engine that
 * gives word times reports them.
 *
 * @example
 * groupWordsIntoSegments([
 *   { word: 'hello', start: 0.1, end: 0.4, utterance: 0 },
 *   { word: 'again', start: 1.5, end: 1.9, utterance: 0 },
 * ])
 * // [{ start: 0.1, end: 0.4, text: 'hello' }, { start: 1.5, end: 1.9, text: 'again' }]
 */
export function groupWordsIntoSegments(
  words: readonly TimedWord[],
  limits: SegmentLimits = defaultSegmentLimits,
): TranscriptSegment[] {
  const segments: TranscriptSegment[] = []
  let current: TimedWord[] = []

  for (const word of words) {
    const first = current[0]
    const previous = current.at(-1)
    if (first && previous && startsNewSegment(first, previous, word, current.length, limits)) {
      segments.push(toSegment(current))
      current = []
    }
    current.push(word)
  }

  if (current.length > 0) segments.push(toSegment(current))
  return segments
}

function startsNewSegment(
  first: TimedWord,
  previous: TimedWord,
  next: TimedWord,
  wordCount: number,
  limits: SegmentLimits,
): boolean {
  if (next.utterance !== previous.utterance) return true
  if (next.start - previous.end >= limits.minPauseSec) return true
  if (next.end - first.start > limits.maxDurationSec) return true
  return wordCount >= limits.maxWords
}

function toSegment(words: readonly TimedWord[]): TranscriptSegment {
  const first = words[0]
  const last = words.at(-1)
  if (!first || !last) throw new Error('a segment needs at least one word')

  return {
    start: roundSeconds(first.start),
    end: roundSeconds(last.end),
    text: words.map((word) => word.word).join(' '),
  }
}

/** Joins segment texts the way `Transcript.text` promises. */
export function joinSegmentTexts(segments: readonly TranscriptSegment[]): string {
  return segments.map((segment) => segment.text).join(' ')
}
