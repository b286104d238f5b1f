import { type Span, soundSpans } from './silences.ts'

/** One piece of a long recording, sent to the engine on its own. */
export interface Chunk {
  index: number
  /** What the engine is sent, in seconds from the start of the recording. */
  start: number
  end: number
  /** Where sound is inside the chunk, in seconds from the start of the recording. */
  sound: Span[]
}

export interface ChunkPlanOptions {
  /** No chunk is longer; the provider's duration and size limits both end up here. */
  maxChunkSec: number
  /** Rounds a time to where the audio can really be cut (a sample frame). */
  snap?: (seconds: number) => number
}

/** A stretch with less sound than this is only pauses: no engine is asked about it. */
const minSoundSec = 0.1

/** The last piece is never shorter than this, since servers refuse clips under 0.1 s. */
const minChunkSec = 0.5

/**
 * How much of a pause a chunk keeps before its first sound and after its last. Pocketsphinx
 * adapts its normalisation to the first frames it hears, and a chunk that opens on seconds
 * of digital silence decodes its first sentence as noise words (measured: "unless to be
 * rather cold hearted" became "up op to whoosh"); a short lead-in is what a recording that
 * starts with speech has anyway. The rest of a pause is not sent at all.
 */
const leadInSec = 0.3
const tailSec = 0.5

/**
 * Cuts are searched first in the later half of the allowed length, then in the earlier
 * part, so chunks stay long (fewer requests, more context for the engine) and a cut falls in
 * a pause whenever the recording has one within reach.
 */
const searchWindows = [
  [0.5, 1],
  [0.1, 0.5],
] as const

/**
 * Splits a recording into chunks no longer than `maxChunkSec`, cut inside pauses so that no
 * word is split: the longest pause within reach wins, since long pauses are where sentences
 * end. With no pause within reach the chunk is cut hard at its limit. Each chunk is then
 * trimmed to its sound plus a short lead-in and tail, and a chunk without sound is dropped,
 * so chunks need not meet end to end.
 *
 * Limitation: a hard cut can split a word, which both sides then misrecognise. It happens
 * only when a stretch of `maxChunkSec / 2` or more holds no pause of `minSilenceSec`.
 *
 * @example
 * planChunks(100, [{ start: 40, end: 42 }], { maxChunkSec: 60 })
 * // [{ index: 0, start: 0, end: 40.5, ... }, { index: 1, start: 41.7, end: 100, ... }]
 */
export function planChunks(
  durationSec: number,
  silences: readonly Span[],
  options: ChunkPlanOptions,
): Chunk[] {
  if (!(options.maxChunkSec > minChunkSec)) {
    throw new RangeError(`maxChunkSec must exceed ${minChunkSec} s, got ${options.maxChunkSec}`)
  }
  const snap = options.snap ?? ((seconds: number) => seconds)
  const cuts: number[] = []
  let start = 0
  while (durationSec - start > options.maxChunkSec) {
    const limit = Math.min(start + options.maxChunkSec, durationSec - minChunkSec)
    const cut = snap(cutInPause(silences, start, limit, options.maxChunkSec) ?? limit)
    cuts.push(cut)
    start = cut
  }

  const bounds = [0, ...cuts, durationSec]
  const chunks: Chunk[] = []
  for (let piece = 1; piece < bounds.length; piece += 1) {
    const from = bounds[piece - 1] as number
    const to = bounds[piece] as number
    const sound = soundSpans(silences, from, to)
    const first = sound[0]
    const last = sound.at(-1)
    if (!first || !last || soundSeconds(sound) < minSoundSec) continue

    const trimmedStart = snap(Math.max(from, first.start - leadInSec))
    const trimmedEnd = snap(Math.min(to, last.end + tailSec))
    chunks.push({ index: chunks.length, start: trimmedStart, end: trimmedEnd, sound })
  }
  return chunks
}

function cutInPause(
  silences: readonly Span[],
  start: number,
  limit: number,
  maxChunkSec: number,
): number | undefined {
  for (const [from, to] of searchWindows) {
    const low = start + maxChunkSec * from
    const high = Math.min(limit, start + maxChunkSec * to)
    let best: { cut: number; length: number } | undefined
    for (const silence of silences) {
      const overlapStart = Math.max(silence.start, low)
      const overlapEnd = Math.min(silence.end, high)
      if (overlapEnd <= overlapStart) continue
      const length = silence.end - silence.start
      // Later pauses win ties: they keep the chunk long.
      if (!best || length >= best.length) best = { cut: (overlapStart + overlapEnd) / 2, length }
    }
    if (best) return best.cut
  }
  return undefined
}

function soundSeconds(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + (span.end - span.start), 0)
}
