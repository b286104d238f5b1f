import { CodedError } from '@tella/contracts'

/**
 * What the downloader needs from a YouTube client, so the tool behind it can be swapped (a
 * newer yt-dlp, another client) without touching the stage. Engines report failures as
 * CodedErrors of the catalogue; how a tool words them is the engine's business.
 *
 * Limitation: yt-dlp is the only engine. The pure JavaScript clients on npm (youtubei.js,
 * ytdl-core and its forks) install, but they speak YouTube's private InnerTube API and run its
 * player script themselves; offline, a test could only hold them against a fake of that API
 * written from guesses, and they break whenever YouTube changes it, the same days yt-dlp
 * needs an update. A fallback that no test can hold would fail silently, so there is none.
 */
export interface YoutubeEngine {
  /** A short name for logs and error details, e.g. `yt-dlp`. */
  readonly name: string
  /** The engine's own version, e.g. `2025.12.08`; rejects DOWNLOAD_ENGINE_UNAVAILABLE. */
  version(signal?: AbortSignal): Promise<string>
  /** Reads a video's metadata without downloading anything. */
  metadata(url: string, options: { signal?: AbortSignal | undefined }): Promise<VideoMetadata>
  /** Fetches the best audio track into `dir`; resolves with the file's path. */
  download(url: string, dir: string, options: EngineDownloadOptions): Promise<{ path: string }>
}

/** YouTube's own words for where a broadcast stands; `null` when the engine did not say. */
export type LiveStatus = 'not_live' | 'is_live' | 'is_upcoming' | 'was_live' | 'post_live'

export interface VideoMetadata {
  id: string
  title: string
  channel: string | null
  /** Whole seconds as YouTube states them; null for a broadcast still running. */
  durationSec: number | null
  thumbnailUrl: string | null
  /** The day YouTube published the video, `YYYY-MM-DD`. */
  uploadDate: string | null
  liveStatus: LiveStatus | null
  /** Size of the audio the download would fetch, exact or estimated; null when unknown. */
  expectedBytes: number | null
}

export interface DownloadProgress {
  downloadedBytes: number
  /** The engine's total or estimate for the file; null while it does not know. */
  totalBytes: number | null
}

export interface EngineDownloadOptions {
  signal?: AbortSignal | undefined
  /** Called as bytes arrive. If it throws, the download stops and rejects with that error. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined
}

/** The only URL shape an engine is given: the canonical watch URL jobs-api builds. */
const watchUrl = /^https:\/\/www\.youtube\.com\/watch\?v=[A-Za-z0-9_-]{11}$/u

/**
 * Refuses anything but a canonical watch URL on YouTube's own host. jobs-api already reduces
 * every pasted link to that form; checking again here means a command from anywhere else can
 * never make the downloader contact a host taken from user input.
 *
 * @example
 * assertWatchUrl('https://www.youtube.com/watch?v=dQw4w9WgXcQ') // returns it unchanged
 */
export function assertWatchUrl(url: string): string {
  if (!watchUrl.test(url)) {
    throw new CodedError('INVALID_COMMAND', { detail: 'the YouTube URL is not a watch URL' })
  }
  return url
}

/**
 * A live status from the fields engines report: yt-dlp's `live_status`, or the older
 * `is_live` and `was_live` flags of releases from before that field existed.
 */
export function liveStatusOf(fields: {
  live_status?: unknown
  is_live?: unknown
  was_live?: unknown
}): LiveStatus | null {
  const known: LiveStatus[] = ['not_live', 'is_live', 'is_upcoming', 'was_live', 'post_live']
  const stated = known.find((status) => status === fields.live_status)
  if (stated) return stated
  if (fields.is_live === true) return 'is_live'
  if (fields.was_live === true) return 'was_live'
  if (fields.is_live === false) return 'not_live'
  return null
}
