import type { TranscriptSegment } from '../engines/engine.ts'
import { normaliseWords } from './word-error-rate.ts'

/**
 * A line said this many times in a row is a decoding loop, not speech. Twice stays: people
 * do say "no, no" or repeat a sentence for emphasis; three identical lines in a row are the
 * signature of a recogniser stuck on music or noise ("then then then", "Thank you." × 40).
 */
export const minRepeatRun = 3

/**
 * Recognised words per minute of sound below which a recording holds no speech. Speech,
 * even slow lecturing, gives 80 or more over its sound; music and noise drive pocketsphinx
 * to a few stray words a minute (measured: 0–9 on synthetic melodies, drones and noise).
 */
export const minWordsPerSoundMinute = 12

/**
 * Keeps the first of each run of `minRepeatRun` or more consecutive segments with the same
 * words, dropping the rest, and leaves shorter runs alone.
 *
 * @example
 * collapseRepeatedLines([a('then'), a('then'), a('then'), a('so')]) // [a('then'), a('so')]
 */
export function collapseRepeatedLines(segments: readonly TranscriptSegment[]): TranscriptSegment[] {
  const kept: TranscriptSegment[] = []
  let index = 0
  while (index < segments.length) {
    const first = segments[index] as TranscriptSegment
    const key = lineKey(first.text)
    let runEnd = index + 1
    while (runEnd < segments.length && lineKey(segments[runEnd]?.text ?? '') === key) runEnd += 1

    const run = segments.slice(index, runEnd)
    kept.push(...(run.length >= minRepeatRun ? [first] : run))
    index = runEnd
  }
  return kept
}

/**
 * True when a transcript is too sparse for the sound it came from to be speech: what a
 * recogniser makes of music or noise. `soundSec` is the recording's length without pauses.
 *
 * Limitation: the rule looks at the whole recording, so stray words decoded from a musical
 * interlude inside a lecture are kept; only a recording that is music or noise alone is
 * recognised as holding no speech.
 */
export function holdsNoSpeech(segments: readonly TranscriptSegment[], soundSec: number): boolean {
  const words = segments.reduce((sum, segment) => sum + normaliseWords(segment.text).length, 0)
  if (words === 0) return true
  if (soundSec <= 0) return false
  return words / (soundSec / 60) < minWordsPerSoundMinute
}

function lineKey(text: string): string {
  return normaliseWords(text).join(' ')
}
