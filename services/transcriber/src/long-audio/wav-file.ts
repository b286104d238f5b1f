import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { CodedError } from '@tella/contracts'

/** Where the samples of a PCM WAV lie and how to turn seconds into byte offsets. */
export interface WavLayout {
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** Bytes of one sample frame across all channels. */
  blockAlign: number
  dataOffset: number
  dataBytes: number
  durationSec: number
}

/** RIFF keeps chunk headers small; a header larger than this is not a WAV the downloader wrote. */
const headerProbeBytes = 64 * 1024

const pcmFormat = 1
const extensibleFormat = 0xfffe

/**
 * Reads the RIFF header of a PCM WAV: the `fmt ` chunk and where `data` starts. Chunks such
 * as ffmpeg's `LIST` are skipped by their declared sizes rather than assumed away.
 *
 * A `data` size of 0 or 0xFFFFFFFF is what writers leave when they could not seek back (a
 * pipe); the samples then run to the end of the file, which is what is used instead.
 *
 * @example
 * const layout = await readWavLayout('/tmp/job/audio.wav')
 * // { sampleRate: 16000, channels: 1, bitsPerSample: 16, blockAlign: 2, dataOffset: 78, ... }
 */
export async function readWavLayout(wavPath: string): Promise<WavLayout> {
  const file = await open(wavPath, 'r')
  try {
    const { size } = await file.stat()
    const header = Buffer.alloc(Math.min(headerProbeBytes, size))
    await file.read(header, 0, header.length, 0)
    return parseLayout(header, size)
  } finally {
    await file.close()
  }
}

function parseLayout(header: Buffer, fileSize: number): WavLayout {
  if (header.length < 12 || header.toString('ascii', 0, 4) !== 'RIFF') {
    throw notWav('no RIFF header')
  }
  if (header.toString('ascii', 8, 12) !== 'WAVE') throw notWav('RIFF file is not WAVE')

  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'durationSec'> | undefined
  let offset = 12
  while (offset + 8 <= header.length) {
    const id = header.toString('ascii', offset, offset + 4)
    const declared = header.readUInt32LE(offset + 4)
    const body = offset + 8

    if (id === 'fmt ') format = parseFormat(header, body)
    if (id === 'data') {
      if (!format) throw notWav('data chunk before fmt chunk')
      const available = fileSize - body
      const usable = declared === 0 || declared === 0xffffffff ? available : declared
      const dataBytes =
        Math.min(usable, available) - (Math.min(usable, available) % format.blockAlign)
      const bytesPerSecond = format.sampleRate * format.blockAlign
      return { ...format, dataOffset: body, dataBytes, durationSec: dataBytes / bytesPerSecond }
    }
    // Chunks are padded to an even length.
    offset = body + declared + (declared % 2)
  }
  throw notWav('no data chunk in the header')
}

function parseFormat(header: Buffer, at: number) {
  if (at + 16 > header.length) throw notWav('truncated fmt chunk')
  const tag = header.readUInt16LE(at)
  const channels = header.readUInt16LE(at + 2)
  const sampleRate = header.readUInt32LE(at + 4)
  const blockAlign = header.readUInt16LE(at + 12)
  const bitsPerSample = header.readUInt16LE(at + 14)
  if (tag !== pcmFormat && tag !== extensibleFormat) throw notWav(`format tag ${tag} is not PCM`)
  if (channels < 1 || sampleRate < 1 || blockAlign < 1) throw notWav('empty fmt chunk')
  return { sampleRate, channels, bitsPerSample, blockAlign }
}

function notWav(reason: string): CodedError {
  return new CodedError('TRANSCRIPTION_FAILED', { detail: `input is not a PCM WAV: ${reason}` })
}

/** Byte offset of a time, on a sample frame boundary, so cuts never split a sample. */
export function frameOffset(layout: WavLayout, seconds: number): number {
  const frames = Math.round(Math.max(0, seconds) * layout.sampleRate)
  return Math.min(layout.dataBytes, frames * layout.blockAlign)
}

/** Seconds at the frame boundary nearest to `seconds`, the time a cut really happens at. */
export function snapToFrame(layout: WavLayout, seconds: number): number {
  return frameOffset(layout, seconds) / layout.blockAlign / layout.sampleRate
}

/**
 * Writes the samples between two times as a WAV of its own, byte for byte: no re-encoding,
 * so chunk times are exact to the sample and a slice costs one file copy.
 */
export async function writeWavSlice(
  source: string,
  layout: WavLayout,
  fromSec: number,
  toSec: number,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  const start = frameOffset(layout, fromSec)
  const end = frameOffset(layout, toSec)
  if (end <= start) throw new RangeError(`empty slice ${fromSec}–${toSec} s`)

  const output = createWriteStream(target)
  output.write(canonicalHeader(layout, end - start))
  const input = createReadStream(source, {
    start: layout.dataOffset + start,
    end: layout.dataOffset + end - 1,
  })
  await pipeline(input, output, { signal })
}

/** The 44-byte header of a plain PCM WAV, which every reader and server accepts. */
function canonicalHeader(layout: WavLayout, dataBytes: number): Buffer {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + dataBytes, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(pcmFormat, 20)
  header.writeUInt16LE(layout.channels, 22)
  header.writeUInt32LE(layout.sampleRate, 24)
  header.writeUInt32LE(layout.sampleRate * layout.blockAlign, 28)
  header.writeUInt16LE(layout.blockAlign, 32)
  header.writeUInt16LE(layout.bitsPerSample, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(dataBytes, 40)
  return header
}

/** Size of a slice once written, to hold chunks under a provider's upload limit. */
export const wavHeaderBytes = 44
