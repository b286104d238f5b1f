import { open, rm, stat } from 'node:fs/promises'
import { CodedError } from '@tella/contracts'
import { fileUrl, runTool, stderrDetail } from './child-process.ts'

/** 16 kHz × 1 channel × 2 bytes: what the transcriber expects, and the unit of the duration. */
const BYTES_PER_SECOND = 16_000 * 2

export interface ExtractOptions {
  ffmpeg: string
  signal?: AbortSignal | undefined
  /**
   * Receives the decoded share, 0..1, always increasing; 1 once the output is complete.
   * Called only when `expectedDurationSec` is known.
   */
  onProgress?: ((fraction: number) => void) | undefined
  /** The probe's declared duration; progress is reported only when it is known. */
  expectedDurationSec?: number | null | undefined
  /** Which audio stream to decode, counted among audio streams; the first when absent. */
  audioTrack?: number | undefined
}

export interface ExtractedAudio {
  /** What was actually decoded, measured on the output, not what the container declared. */
  durationSec: number
  sizeBytes: number
}

/**
 * Decodes one audio stream of `input` (`audioTrack`, else the first) into a 16 kHz mono
 * signed 16-bit PCM WAV at `output`. ffmpeg streams from file to file, so memory stays flat
 * whatever the input's size.
 *
 * Throws CodedError `UNSUPPORTED_FORMAT` when ffmpeg cannot decode the input, `NO_AUDIO_TRACK`
 * when it has no audio stream or the stream decodes to no samples at all (the container was
 * readable, so "no audio" is the true account), and `CANCELLED` within about a second of
 * `signal` aborting. The output is removed whenever the promise rejects.
 *
 * @example
 * const { durationSec } = await extractAudio('in.mp4', 'audio.wav', {
 *   ffmpeg: '/usr/bin/ffmpeg',
 *   expectedDurationSec: probe.declaredDurationSec,
 *   onProgress: (fraction) => report(fraction * 0.25),
 * })
 */
export async function extractAudio(
  input: string,
  output: string,
  options: ExtractOptions,
): Promise<ExtractedAudio> {
  const onStdoutLine = progressReader(options)
  try {
    const stderrTail = await decode(input, output, options, onStdoutLine)
    const dataBytes = await wavDataBytes(output)
    if (dataBytes === 0) {
      const detail = ['the audio stream decoded to no samples', stderrDetail(stderrTail, input)]
      throw new CodedError('NO_AUDIO_TRACK', { detail: detail.join('\n').trim() })
    }

    if (onStdoutLine !== undefined) options.onProgress?.(1)
    const { size } = await stat(output)
    return { durationSec: dataBytes / BYTES_PER_SECOND, sizeBytes: size }
  } catch (error) {
    await rm(output, { force: true })
    throw error
  }
}

/** Runs ffmpeg and returns its stderr, or throws the coded reason it failed. */
async function decode(
  input: string,
  output: string,
  options: ExtractOptions,
  onStdoutLine: ((line: string) => void) | undefined,
): Promise<string> {
  const args = [
    ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-y'],
    ['-i', fileUrl(input)],
    // The probe's audio stream, explicitly: ffmpeg's own choice is the one with most
    // channels, which in a multi-track file need not be the main one.
    ['-map', `0:a:${options.audioTrack ?? 0}`, '-vn', '-sn', '-dn'],
    // No tags in the WAV: the transcriber needs none, and a source's long comment would
    // otherwise become a LIST chunk ahead of the audio.
    ['-map_metadata', '-1', '-fflags', '+bitexact'],
    ['-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav'],
    ['-progress', 'pipe:1', fileUrl(output)],
  ].flat()

  const result = await runTool(options.ffmpeg, args, {
    signal: options.signal,
    onStdoutLine,
  })
  if (result.exitCode === 0) return result.stderrTail

  const detail = stderrDetail(result.stderrTail, input) || `ffmpeg exited ${result.exitCode}`
  // Reached only when extraction runs without a probe first; the probe reports this case.
  const noAudio = /matches no streams|does not contain any stream/.test(result.stderrTail)
  throw new CodedError(noAudio ? 'NO_AUDIO_TRACK' : 'UNSUPPORTED_FORMAT', { detail })
}

/**
 * Turns `-progress` lines into fractions of the expected duration. ffmpeg 5.1 prints the same
 * microsecond count as both `out_time_us` and, misnamed, `out_time_ms`; either will do.
 */
function progressReader(options: ExtractOptions): ((line: string) => void) | undefined {
  const { onProgress, expectedDurationSec } = options
  if (onProgress === undefined || !expectedDurationSec || expectedDurationSec <= 0) {
    return undefined
  }

  let reported = 0
  return (line) => {
    const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line)
    if (match === null) return

    // The declared duration may be short (VBR mp3), so the fraction is capped below 1: only
    // the end of decoding may say "done".
    const fraction = Math.min(0.99, Number(match[1]) / 1e6 / expectedDurationSec)
    if (fraction <= reported) return
    reported = fraction
    onProgress(fraction)
  }
}

/**
 * The size of the WAV's data chunk. Chunks are walked from their headers, read one at a time,
 * rather than a 44-byte header assumed: ffmpeg may write a LIST chunk of any size first.
 */
async function wavDataBytes(path: string): Promise<number> {
  const file = await open(path, 'r')
  try {
    const { size } = await file.stat()
    const riff = Buffer.alloc(12)
    await file.read(riff, 0, riff.length, 0)
    if (riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') {
      throw new CodedError('INTERNAL_ERROR', { detail: 'ffmpeg did not write a WAV file' })
    }

    const chunkHeader = Buffer.alloc(8)
    for (let offset = 12; offset + 8 <= size; ) {
      await file.read(chunkHeader, 0, 8, offset)
      const id = chunkHeader.toString('latin1', 0, 4)
      const chunkBytes = chunkHeader.readUInt32LE(4)
      if (id === 'data') {
        // Past 4 GiB (37 hours of audio) the 32-bit size cannot hold the truth; the file can.
        const available = size - (offset + 8)
        return Math.min(chunkBytes, available)
      }
      offset += 8 + chunkBytes + (chunkBytes % 2)
    }
    throw new CodedError('INTERNAL_ERROR', { detail: 'the WAV ffmpeg wrote has no data chunk' })
  } finally {
    await file.close()
  }
}
