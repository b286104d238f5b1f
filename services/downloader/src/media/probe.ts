import { stat } from 'node:fs/promises'
import { CodedError } from '@tella/contracts'
import { fileUrl, runTool, stderrDetail } from './child-process.ts'

/** What ffprobe says about an uploaded file, reduced to what the pipeline decides on. */
export interface MediaProbe {
  /** ffprobe's demuxer names, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  formatName: string
  mimeType: string
  hasAudio: boolean
  /** A moving picture; cover art attached to an audio file does not count. */
  hasVideo: boolean
  /** Codec of the audio stream extraction decodes (`audioTrack`). */
  audioCodec: string | null
  /**
   * Which audio stream to decode, counted among the audio streams (ffmpeg's `0:a:N`): the
   * first one the file marks as default, else the first. A screen recorder may put a muted
   * room track first and the microphone, marked default, second.
   */
  audioTrack: number
  /**
   * The duration the container declares. An estimate, not a measurement: a VBR mp3 without a
   * Xing header and a truncated file both declare more or less than they hold.
   */
  declaredDurationSec: number | null
  sizeBytes: number
}

export interface ProbeOptions {
  ffprobe: string
  signal?: AbortSignal | undefined
}

interface ProbeStream {
  codec_type?: string
  codec_name?: string
  duration?: string
  disposition?: Record<string, number>
}

interface ProbeOutput {
  streams?: ProbeStream[]
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> }
}

/**
 * Reads a media file's container and streams with ffprobe.
 *
 * Throws CodedError `UNSUPPORTED_FORMAT` when ffprobe cannot read the file (empty, text,
 * random bytes, a still image) and `NO_AUDIO_TRACK` when it is a video without sound;
 * `CANCELLED` when `signal` aborts.
 *
 * @example
 * const probe = await probeMedia('/uploads/lecture.m4a', { ffprobe: '/usr/bin/ffprobe' })
 * // { formatName: 'mov,mp4,m4a,3gp,3g2,mj2', mimeType: 'audio/mp4', hasAudio: true, … }
 */
export async function probeMedia(path: string, options: ProbeOptions): Promise<MediaProbe> {
  const info = await stat(path)
  // ffprobe's own message for an empty file ("Invalid argument") would only mislead. Only a
  // regular file's size means anything; a pipe reports 0 and is left to ffprobe.
  if (info.isFile() && info.size === 0) {
    throw new CodedError('UNSUPPORTED_FORMAT', { detail: 'the file is empty' })
  }

  const output = await readContainer(path, options)
  const streams = output.streams ?? []
  const formatName = output.format?.format_name ?? ''
  const audioStreams = streams.filter((stream) => stream.codec_type === 'audio')
  const audioTrack = Math.max(
    0,
    audioStreams.findIndex((stream) => stream.disposition?.default === 1),
  )
  const audio = audioStreams[audioTrack]
  const pictures = streams.filter(isMovingPicture)
  const hasVideo = pictures.length > 0 && !isStillImageFormat(formatName)

  if (audio === undefined) {
    const kinds = streams.map((stream) => `${stream.codec_type}(${stream.codec_name})`)
    const detail = `${formatName} with streams: ${kinds.join(', ') || 'none'}`
    // A still image or a subtitle file has no audio either, but calling it a video without
    // sound would confuse whoever uploaded it.
    throw new CodedError(hasVideo ? 'NO_AUDIO_TRACK' : 'UNSUPPORTED_FORMAT', { detail })
  }

  return {
    formatName,
    mimeType: mimeTypeOf(formatName, streams, hasVideo, output.format?.tags?.major_brand),
    hasAudio: true,
    hasVideo,
    audioCodec: audio.codec_name ?? null,
    audioTrack,
    declaredDurationSec: seconds(audio.duration) ?? seconds(output.format?.duration),
    sizeBytes: info.size,
  }
}

async function readContainer(path: string, options: ProbeOptions): Promise<ProbeOutput> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams']
  const result = await runTool(options.ffprobe, [...args, fileUrl(path)], {
    signal: options.signal,
    collectStdout: true,
  })

  if (result.exitCode !== 0 || result.stdoutTruncated) {
    const detail = stderrDetail(result.stderrTail, path) || `ffprobe exited ${result.exitCode}`
    throw new CodedError('UNSUPPORTED_FORMAT', { detail })
  }

  try {
    return JSON.parse(result.stdout) as ProbeOutput
  } catch (error) {
    // Only a broken ffprobe prints invalid JSON with a zero exit; the file is not to blame.
    throw new CodedError('INTERNAL_ERROR', { detail: 'ffprobe printed invalid JSON', cause: error })
  }
}

function isMovingPicture(stream: ProbeStream): boolean {
  return stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1
}

/** Demuxers that present one picture or a page of text as a video stream. */
function isStillImageFormat(formatName: string): boolean {
  return formatName.endsWith('_pipe') || formatName === 'image2' || formatName === 'tty'
}

function seconds(value: string | undefined): number | null {
  const parsed = Number(value)
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : null
}

/** Containers whose MIME type does not depend on what they carry. */
const fixedMimeTypes: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  aac: 'audio/aac',
  aiff: 'audio/aiff',
  amr: 'audio/amr',
  ac3: 'audio/ac3',
  caf: 'audio/x-caf',
  avi: 'video/x-msvideo',
  flv: 'video/x-flv',
  mpeg: 'video/mpeg',
  mpegts: 'video/mp2t',
}

/** The codecs the WebM profile of Matroska allows; anything else is plain Matroska. */
const webmCodecs = new Set(['vp8', 'vp9', 'av1', 'opus', 'vorbis'])

function mimeTypeOf(
  formatName: string,
  streams: ProbeStream[],
  hasVideo: boolean,
  majorBrand: string | undefined,
): string {
  const names = formatName.split(',')
  const fixed = names.map((name) => fixedMimeTypes[name]).find((type) => type !== undefined)
  if (fixed !== undefined) return fixed

  if (names.includes('mp4') || names.includes('mov')) {
    if (!hasVideo) return 'audio/mp4'
    return majorBrand?.trim() === 'qt' ? 'video/quicktime' : 'video/mp4'
  }

  if (names.includes('matroska')) {
    const media = streams.filter((s) => s.codec_type === 'audio' || isMovingPicture(s))
    const isWebm = media.every((stream) => webmCodecs.has(stream.codec_name ?? ''))
    if (isWebm) return hasVideo ? 'video/webm' : 'audio/webm'
    return hasVideo ? 'video/x-matroska' : 'audio/x-matroska'
  }

  if (names.includes('ogg')) return hasVideo ? 'video/ogg' : 'audio/ogg'
  if (names.includes('asf')) return hasVideo ? 'video/x-ms-asf' : 'audio/x-ms-wma'
  return 'application/octet-stream'
}
