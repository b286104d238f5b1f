import { roundSeconds, type TranscriptSegment } from './engine.ts'

interface Span {
  start: number
  end: number
}

/** A sentence longer than this is split, so that a derived segment stays a readable line. */
const maxWordsPerSegment = 30

const sentenceEnd = /(?<=[.!?…。！？])\s+/u

/**
 * Gives times to text that came without any: the text is split into sentences, and the
 * sentences are laid along the stretches of the audio that have sound, each taking time in
 * proportion to its length in characters. Pauses therefore fall between segments, never
 * inside one, and the first and last segments meet the first and last sound.
 *
 * Limitation: the times are estimates that assume an even speaking rate over the sound of
 * the chunk; a segment can be off by some seconds inside a chunk, never across chunks.
 *
 * @example
 * spreadTextOverSound('Hello there. General Kenobi.', [{ start: 1, end: 3 }], 4)
 * // [{ start: 1, end: 1.957, text: 'Hello there.' }, { start: 1.957, end: 3, ... }]
 */
export function spreadTextOverSound(
  text: string,
  sound: readonly Span[] | undefined,
  durationSec: number,
): TranscriptSegment[] {
  const lines = splitIntoLines(text)
  if (lines.length === 0) return []

  const spans = sound && sound.length > 0 ? sound : [{ start: 0, end: durationSec }]
  const soundSec = spans.reduce((sum, span) => sum + (span.end - span.start), 0)
  const totalChars = lines.reduce((sum, line) => sum + line.length, 0)

  const segments: TranscriptSegment[] = []
  let position = 0
  for (const line of lines) {
    const next = position + (soundSec * line.length) / totalChars
    segments.push({
      start: roundSeconds(timeAt(spans, position, 'start')),
      end: roundSeconds(timeAt(spans, next, 'end')),
      text: line,
    })
    position = next
  }
  return segments
}

/** Sentences, with long ones split every `maxWordsPerSegment` words. */
export function splitIntoLines(text: string): string[] {
  const lines: string[] = []
  for (const sentence of text.trim().split(sentenceEnd)) {
    const words = sentence.split(/\s+/u).filter(Boolean)
    for (let at = 0; at < words.length; at += maxWordsPerSegment) {
      lines.push(words.slice(at, at + maxWordsPerSegment).join(' '))
    }
  }
  return lines
}

/**
 * Maps a position on the sound-only timeline to a time in the audio. A position on the
 * border between two stretches belongs to the later one when it starts a segment and to the
 * earlier one when it ends a segment, so no segment begins or ends inside a pause.
 */
function timeAt(spans: readonly Span[], position: number, edge: 'start' | 'end'): number {
  let before = 0
  for (const span of spans) {
    const length = span.end - span.start
    const inside = edge === 'start' ? position < before + length : position <= before + length
    if (inside) return span.start + Math.max(0, position - before)
    before += length
  }
  return spans.at(-1)?.end ?? 0
}
