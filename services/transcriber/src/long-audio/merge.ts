import { roundSeconds, type Transcript, type TranscriptSegment } from '../engines/engine.ts'
import { joinSegmentTexts } from '../engines/segments.ts'

/**
 * Moves a chunk's transcript to the chunk's place in the recording. Times are clamped to the
 * chunk, since a server may round a last segment past the end of the audio it was sent, and
 * made to follow each other, since a segment that starts before the previous one ended would
 * make subtitles overlap.
 *
 * @example
 * offsetTranscript({ text: 'hi', segments: [{ start: 1, end: 2, text: 'hi' }] }, 60, 90)
 * // { text: 'hi', segments: [{ start: 61, end: 62, text: 'hi' }] }
 */
export function offsetTranscript(
  transcript: Transcript,
  chunkStart: number,
  chunkEnd: number,
): Transcript {
  const segments: TranscriptSegment[] = []
  let previousEnd = chunkStart
  for (const segment of transcript.segments) {
    const start = clamp(chunkStart + segment.start, previousEnd, chunkEnd)
    const end = clamp(chunkStart + segment.end, start, chunkEnd)
    segments.push({ start: roundSeconds(start), end: roundSeconds(end), text: segment.text })
    previousEnd = end
  }
  return { text: joinSegmentTexts(segments), segments }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}
