import { CodedError, isCodedError } from '@tella/contracts'
import type { Logger } from 'pino'
import { assertWatchUrl, type VideoMetadata, type YoutubeEngine } from './youtube-engine.ts'

export interface YoutubeLimits {
  /** `YOUTUBE_MAX_DURATION_SEC`: longer videos are refused before any byte is fetched. */
  maxDurationSec: number
  /** `YOUTUBE_MAX_BYTES`: a larger audio track is refused before or while it downloads. */
  maxBytes: number
  /** `YOUTUBE_TIMEOUT_MS`: the whole fetch of one attempt, metadata and download together. */
  timeoutMs: number
}

export interface YoutubeFetchOptions {
  engine: YoutubeEngine
  limits: YoutubeLimits
  signal: AbortSignal
  logger: Logger
  /** The fetched share of the audio, 0..1, never decreasing. */
  onProgress(fraction: number): void
}

export interface YoutubeAudio {
  path: string
  video: VideoMetadata
}

/**
 * Brings a YouTube video's audio to `dir`: metadata first, so that a live stream, a video
 * over the limits or a private one fails before anything is downloaded, then the audio track.
 *
 * Throws the engine's coded failures; NETWORK_TIMEOUT when the fetch outlives `timeoutMs`
 * (the engine is killed); YOUTUBE_LIVE_NOT_FINISHED and YOUTUBE_VIDEO_TOO_LONG from the
 * checks here; CANCELLED when `signal` aborts.
 *
 * @example
 * const { path, video } = await fetchYoutubeAudio(url, workDir, options)
 */
export async function fetchYoutubeAudio(
  url: string,
  dir: string,
  options: YoutubeFetchOptions,
): Promise<YoutubeAudio> {
  const { engine, limits, logger } = options
  assertWatchUrl(url)
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([options.signal, deadline])

  try {
    const video = await engine.metadata(url, { signal })
    logger.info(
      { videoId: video.id, durationSec: video.durationSec, live: video.liveStatus },
      'youtube metadata read',
    )
    refuseUnimportable(video, limits)

    let reported = 0
    const { path } = await engine.download(url, dir, {
      signal,
      onProgress({ downloadedBytes, totalBytes }) {
        const total = totalBytes ?? video.expectedBytes
        if (downloadedBytes > limits.maxBytes || (total !== null && total > limits.maxBytes)) {
          throw tooLarge(Math.max(downloadedBytes, total ?? 0), limits)
        }
        if (!total) return
        const fraction = Math.min(1, downloadedBytes / total)
        if (fraction <= reported) return
        reported = fraction
        options.onProgress(fraction)
      },
    })
    if (reported < 1) options.onProgress(1)
    return { path, video }
  } catch (error) {
    if (deadline.aborted && !options.signal.aborted && isCodedError(error)) {
      if (error.code === 'CANCELLED') {
        const detail = `${engine.name} gave no result within ${limits.timeoutMs / 1000} s`
        throw new CodedError('NETWORK_TIMEOUT', { detail, cause: error })
      }
    }
    throw error
  }
}

/** The checks metadata allows before any byte of audio is fetched. */
function refuseUnimportable(video: VideoMetadata, limits: YoutubeLimits): void {
  if (video.liveStatus === 'is_live' || video.liveStatus === 'is_upcoming') {
    const detail =
      video.liveStatus === 'is_live' ? 'the stream is still running' : 'the stream has not begun'
    throw new CodedError('YOUTUBE_LIVE_NOT_FINISHED', { detail })
  }
  if (video.durationSec !== null) refuseTooLong(video.durationSec, limits)
  if (video.expectedBytes !== null && video.expectedBytes > limits.maxBytes) {
    throw tooLarge(video.expectedBytes, limits)
  }
}

/**
 * A duration refused after the fact: a finished broadcast may state no duration up front, so
 * the stage checks the measured one too.
 */
export function refuseTooLong(durationSec: number, limits: YoutubeLimits): void {
  if (durationSec <= limits.maxDurationSec) return
  const detail = `${clock(durationSec)} long; the limit is ${clock(limits.maxDurationSec)}`
  throw new CodedError('YOUTUBE_VIDEO_TOO_LONG', { detail })
}

function tooLarge(bytes: number, limits: YoutubeLimits): CodedError {
  const detail = `the audio is ${megabytes(bytes)}; the limit is ${megabytes(limits.maxBytes)}`
  return new CodedError('YOUTUBE_VIDEO_TOO_LONG', { detail })
}

function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / 1_000_000)} MB`
}

/** `1:05:09` or `4:20`, as YouTube shows durations. */
function clock(seconds: number): string {
  const total = Math.round(seconds)
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60]
  const pad = (value: number) => String(value).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}
