import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { CodedError } from '@tella/contracts'
import { spawnError } from '@tella/platform'

/** A stretch of the audio in seconds from its start. */
export interface Span {
  start: number
  end: number
}

export interface SilenceOptions {
  /** Absolute path of ffmpeg, as `resolveMediaTools` finds it. */
  ffmpeg: string
  /** How far below the recording's peak audio counts as silence, in dB (negative). */
  belowPeakDb: number
  /** Shortest pause that counts; shorter ones are the gaps between words. */
  minSilenceSec: number
  signal?: AbortSignal | undefined
}

/**
 * Below this level a 16-bit recording holds only dither and hiss, so it is silence however
 * quiet the recording's peak is.
 */
const silenceFloorDb = -70

const peakLine = /max_volume: (-?\d+(?:\.\d+)?|-inf) dB/u
const startLine = /silence_start: (-?\d+(?:\.\d+)?)/u
const endLine = /silence_end: (-?\d+(?:\.\d+)?)/u

/**
 * Finds the pauses of a recording with ffmpeg: `volumedetect` gives its peak, then
 * `silencedetect` marks what stays `belowPeakDb` under it. The threshold follows the peak
 * because recordings arrive at any gain: a lecture recorded quietly would otherwise be all
 * "silence", and its chunks never sent to an engine. Both passes decode far faster than
 * real time (a two-hour lecture in seconds).
 *
 * Limitation: one loud click raises the peak, and with it the threshold, for the whole file;
 * a recording whose background hum sits above the threshold shows no pauses at all, so its
 * chunks are cut hard at the duration limit.
 *
 * @example
 * await detectSilences('/tmp/audio.wav', 600, { ffmpeg: '/usr/bin/ffmpeg', belowPeakDb: -35,
 *   minSilenceSec: 0.3 })
 * // [{ start: 6.785, end: 9.367 }, ...]
 */
export async function detectSilences(
  wavPath: string,
  durationSec: number,
  options: SilenceOptions,
): Promise<Span[]> {
  let peakDb = 0
  await runFilter(options, wavPath, 'volumedetect', (line) => {
    const peak = peakLine.exec(line)?.[1]
    if (peak) peakDb = peak === '-inf' ? Number.NEGATIVE_INFINITY : Number(peak)
  })
  const noiseDb = Math.max(silenceFloorDb, peakDb + options.belowPeakDb).toFixed(1)

  const silences: Span[] = []
  let openStart: number | undefined
  const filter = `silencedetect=noise=${noiseDb}dB:d=${options.minSilenceSec}`
  await runFilter(options, wavPath, filter, (line) => {
    const started = startLine.exec(line)?.[1]
    if (started) openStart = Math.max(0, Number(started))
    const ended = endLine.exec(line)?.[1]
    if (ended && openStart !== undefined) {
      silences.push({ start: openStart, end: Math.min(durationSec, Number(ended)) })
      openStart = undefined
    }
  })

  // A pause that runs to the end of the file has no end line in some ffmpeg builds.
  if (openStart !== undefined) silences.push({ start: openStart, end: durationSec })
  return silences.filter((span) => span.end > span.start)
}

/** Runs ffmpeg with one audio filter and no output, handing each log line to `onLine`. */
async function runFilter(
  options: SilenceOptions,
  wavPath: string,
  filter: string,
  onLine: (line: string) => void,
): Promise<void> {
  if (options.signal?.aborted) throw new CodedError('CANCELLED')

  const args = ['-hide_banner', '-nostdin', '-nostats', '-i', wavPath, '-af', filter]
  const child = spawn(options.ffmpeg, [...args, '-f', 'null', '-'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const onAbort = () => child.kill('SIGKILL')
  options.signal?.addEventListener('abort', onAbort, { once: true })

  let tail = ''
  createInterface({ input: child.stderr }).on('line', (line) => {
    tail = `${tail}\n${line}`.slice(-600)
    onLine(line)
  })

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(spawnError('ffmpeg', options.ffmpeg, error, () => error)),
      )
      child.once('close', resolve)
    })
    if (options.signal?.aborted) throw new CodedError('CANCELLED')
    if (code !== 0) {
      const detail = `ffmpeg ${filter} exited with ${code}: ${tail.trim()}`
      throw new CodedError('TRANSCRIPTION_FAILED', { detail })
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * The complement of the pauses within `[from, to]`: where sound is. Engines that get text
 * without times spread it over these stretches, and the no-speech rule measures them.
 *
 * @example
 * soundSpans([{ start: 2, end: 3 }], 0, 5) // [{ start: 0, end: 2 }, { start: 3, end: 5 }]
 */
export function soundSpans(silences: readonly Span[], from: number, to: number): Span[] {
  const spans: Span[] = []
  let cursor = from
  for (const silence of silences) {
    if (silence.end <= cursor || silence.start >= to) continue
    if (silence.start > cursor) spans.push({ start: cursor, end: silence.start })
    cursor = Math.max(cursor, silence.end)
  }
  if (cursor < to) spans.push({ start: cursor, end: to })
  return spans
}

/** Total length of spans, in seconds. */
export function totalSeconds(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + (span.end - span.start), 0)
}
