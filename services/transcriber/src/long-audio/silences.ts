import { type FileHandle, open } from 'node:fs/promises'
import { CodedError } from '@tella/contracts'
import type { WavLayout } from './wav-file.ts'

/** A stretch of the audio in seconds from its start. */
export interface Span {
  start: number
  end: number
}

export interface SilenceOptions {
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

/** Full scale of a 16-bit sample: -32768 is 0 dB, as ffmpeg's `volumedetect` counts it. */
const fullScale = 32768

/** Bytes read per block: large enough that a two-hour lecture is a few hundred reads. */
const blockBytes = 1 << 20

/**
 * The peak is the loudest level the recording holds for 30 ms (three 10 ms frames in a row),
 * not its loudest sample: a click, a dropped microphone or a plug-in pop lasts a few
 * milliseconds, and one 2 ms full-scale click used to set the threshold for a whole quietly
 * recorded lecture, so all its speech counted as pause and its transcript came back empty.
 * Speech holds its level: on the LibriVox recordings this peak is 0.3–2 dB under the loudest
 * sample (ffmpeg's `max_volume`).
 */
const frameSec = 0.01
const sustainedFrames = 3

/**
 * Finds the pauses of a 16-bit PCM WAV: one pass finds its peak, a second marks every
 * stretch of at least `minSilenceSec` that stays `belowPeakDb` under it. The threshold
 * follows the peak because recordings arrive at any gain: a lecture recorded quietly would
 * otherwise be all "silence", and its chunks never sent to an engine. The peak must last 30 ms,
 * so a click does not make a lecture silent.
 *
 * The pause rules are those of ffmpeg's `silencedetect` (samples of all channels in one run;
 * a pause starts at its first quiet sample), computed here on the samples the downloader
 * already decoded. Two ffmpeg processes cost far more than the scan on short clips (about
 * 60 ms each for a one-second clip; bench/pipeline-overhead.ts) and a little less on long
 * ones (0.53–0.58 s against 0.64–0.74 s for 63 minutes), where a transcription takes minutes.
 *
 * Limitation: a loud noise that lasts 30 ms or more (a door, a cough into the microphone)
 * still raises the peak, and with it the threshold, for the whole file; a recording
 * whose background hum sits above the threshold shows no pauses at all, so its chunks are cut
 * hard at the duration limit.
 *
 * @example
 * await detectSilences('/tmp/audio.wav', await readWavLayout('/tmp/audio.wav'),
 *   { belowPeakDb: -35, minSilenceSec: 0.3 })
 * // [{ start: 6.785, end: 9.367 }, ...]
 */
export async function detectSilences(
  wavPath: string,
  layout: WavLayout,
  options: SilenceOptions,
): Promise<Span[]> {
  if (layout.bitsPerSample !== 16) {
    const detail = `pauses are found in 16-bit audio, not ${layout.bitsPerSample}-bit`
    throw new CodedError('TRANSCRIPTION_FAILED', { detail })
  }
  const file = await open(wavPath, 'r')
  try {
    const scan = sampleScanner(file, layout, options.signal)
    return await findPauses(await sustainedPeakOf(scan, layout), scan, layout, options)
  } finally {
    await file.close()
  }
}

/** The recording's peak as `detectSilences` takes it, in dB of full scale. */
export async function sustainedPeakDb(wavPath: string, layout: WavLayout): Promise<number> {
  const file = await open(wavPath, 'r')
  try {
    return toDb(await sustainedPeakOf(sampleScanner(file, layout, undefined), layout))
  } finally {
    await file.close()
  }
}

function toDb(level: number): number {
  return level === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(level / fullScale)
}

type Scan = (onBlock: (samples: Int16Array) => void) => Promise<void>

/**
 * The loudest level held over `sustainedFrames` frames in a row: each frame's loudest sample,
 * and of each run of frames the quietest of those. A recording shorter than the run gives its
 * loudest sample.
 */
async function sustainedPeakOf(scan: Scan, layout: WavLayout): Promise<number> {
  const frameSamples = Math.max(1, Math.round(frameSec * layout.sampleRate) * layout.channels)
  const recent: number[] = []
  let frameMax = 0
  let inFrame = 0
  let loudest = 0
  let peak = 0
  const endFrame = () => {
    recent.push(frameMax)
    if (recent.length > sustainedFrames) recent.shift()
    if (recent.length === sustainedFrames) peak = Math.max(peak, Math.min(...recent))
    frameMax = 0
    inFrame = 0
  }
  await scan((samples) => {
    for (let index = 0; index < samples.length; index++) {
      const sample = samples[index] as number
      const magnitude = sample < 0 ? -sample : sample
      if (magnitude > frameMax) frameMax = magnitude
      if (magnitude > loudest) loudest = magnitude
      if (++inFrame === frameSamples) endFrame()
    }
  })
  if (inFrame > 0) endFrame()
  return recent.length < sustainedFrames ? loudest : peak
}

async function findPauses(
  peak: number,
  scan: Scan,
  layout: WavLayout,
  options: SilenceOptions,
): Promise<Span[]> {
  const peakDb = toDb(peak)
  const noiseDb = Math.max(silenceFloorDb, peakDb + options.belowPeakDb)
  // A sample is quiet when strictly inside ±threshold, which ffmpeg scales to 16-bit input
  // and truncates to a sample value.
  const threshold = Math.trunc(10 ** (noiseDb / 20) * (fullScale - 1))

  const samplesPerSecond = layout.sampleRate * layout.channels
  const minQuietSamples = Math.max(1, Math.ceil(options.minSilenceSec * samplesPerSecond))
  const silences: Span[] = []
  let position = 0
  let quietRun = 0
  let openStart: number | undefined
  await scan((samples) => {
    for (let index = 0; index < samples.length; index++, position++) {
      const sample = samples[index] as number
      if (sample < threshold && sample > -threshold) {
        quietRun++
        if (quietRun === minQuietSamples) {
          openStart = frameTime(position + 1 - minQuietSamples, layout)
        }
      } else {
        if (openStart !== undefined) {
          silences.push({ start: openStart, end: frameTime(position, layout) })
          openStart = undefined
        }
        quietRun = 0
      }
    }
  })
  if (openStart !== undefined) silences.push({ start: openStart, end: layout.durationSec })
  return silences.filter((span) => span.end > span.start)
}

/** Seconds from the start at the frame holding the sample at `position`. */
function frameTime(position: number, layout: WavLayout): number {
  return Math.floor(position / layout.channels) / layout.sampleRate
}

/**
 * Hands the WAV's samples to `onBlock` in order, a block at a time, reusing one buffer. A
 * recording that fits one block is read once however often it is scanned.
 */
function sampleScanner(file: FileHandle, layout: WavLayout, signal: AbortSignal | undefined): Scan {
  // An ArrayBuffer of its own, so the samples can be viewed as aligned Int16 values (WAV is
  // little-endian, as is every CPU Node runs on here).
  const bytes = new Uint8Array(Math.min(blockBytes, Math.max(2, layout.dataBytes)))
  const end = layout.dataOffset + layout.dataBytes
  let heldWhole: Int16Array | undefined
  return async (onBlock) => {
    if (signal?.aborted) throw new CodedError('CANCELLED')
    if (heldWhole) return onBlock(heldWhole)
    let offset = layout.dataOffset
    while (offset < end) {
      if (signal?.aborted) throw new CodedError('CANCELLED')
      const wanted = Math.min(bytes.length, end - offset)
      const { bytesRead } = await file.read(bytes, 0, wanted, offset)
      const whole = bytesRead - (bytesRead % 2)
      if (whole === 0) break
      const samples = new Int16Array(bytes.buffer, 0, whole / 2)
      if (offset === layout.dataOffset && whole >= layout.dataBytes) heldWhole = samples
      onBlock(samples)
      offset += whole
    }
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
