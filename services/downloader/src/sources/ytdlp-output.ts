import { CodedError } from '@tella/contracts'
import { type DownloadProgress, liveStatusOf, type VideoMetadata } from './youtube-engine.ts'

/**
 * Reading what yt-dlp prints: the info JSON of `--dump-single-json`, the progress lines of
 * our `--progress-template`, and the version of `--version`.
 */

const progressMarker = 'tella-progress'

/**
 * One line per progress update, fields separated by spaces. yt-dlp writes `NA` for a field
 * it does not know (the total of a stream whose length the server keeps to itself).
 */
export const progressTemplate = [
  `download:${progressMarker}`,
  '%(progress.downloaded_bytes)s',
  '%(progress.total_bytes)s',
  '%(progress.total_bytes_estimate)s',
].join(' ')

/** The progress in one stdout line, or null for any other line. */
export function parseProgressLine(line: string): DownloadProgress | null {
  const [marker, downloaded, total, estimate] = line.trim().split(/\s+/u)
  if (marker !== progressMarker) return null
  const downloadedBytes = byteCount(downloaded)
  if (downloadedBytes === null) return null
  return { downloadedBytes, totalBytes: byteCount(total) ?? byteCount(estimate) }
}

function byteCount(field: string | undefined): number | null {
  const value = Number(field)
  return field !== undefined && field !== 'NA' && Number.isFinite(value) && value >= 0
    ? Math.round(value)
    : null
}

/** The fields of yt-dlp's info JSON that we read; everything else is ignored. */
interface InfoJson {
  id?: unknown
  title?: unknown
  fulltitle?: unknown
  channel?: unknown
  uploader?: unknown
  duration?: unknown
  thumbnail?: unknown
  upload_date?: unknown
  release_date?: unknown
  live_status?: unknown
  is_live?: unknown
  was_live?: unknown
  filesize?: unknown
  filesize_approx?: unknown
  _type?: unknown
}

/**
 * Reads `--dump-single-json` output for one video. With `-f bestaudio/best` given, yt-dlp
 * puts the chosen format's fields at the top level, so `filesize` is the audio's size.
 */
export function parseInfoJson(stdout: string): VideoMetadata {
  let info: InfoJson
  try {
    info = JSON.parse(stdout) as InfoJson
  } catch (error) {
    throw new CodedError('INTERNAL_ERROR', { detail: 'yt-dlp printed invalid JSON', cause: error })
  }
  if (typeof info !== 'object' || info === null || typeof info.id !== 'string') {
    throw new CodedError('INTERNAL_ERROR', { detail: 'yt-dlp printed no video' })
  }
  if (info._type === 'playlist') {
    // --no-playlist and a watch URL make this impossible; refusing keeps it impossible.
    throw new CodedError('YOUTUBE_URL_INVALID', { detail: 'the link is a playlist' })
  }

  return {
    id: info.id,
    title: text(info.title) ?? text(info.fulltitle) ?? info.id,
    channel: text(info.channel) ?? text(info.uploader),
    durationSec: positive(info.duration),
    thumbnailUrl: httpsUrl(info.thumbnail),
    uploadDate: isoDay(info.upload_date) ?? isoDay(info.release_date),
    liveStatus: liveStatusOf(info),
    expectedBytes: positive(info.filesize) ?? positive(info.filesize_approx),
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null
}

/** Only an https address is kept: clients render it as an image source. */
function httpsUrl(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('https://') ? value : null
}

/** yt-dlp writes days as `YYYYMMDD`; notes keep `YYYY-MM-DD`. */
function isoDay(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const match = /^(\d{4})(\d{2})(\d{2})$/u.exec(value)
  if (!match) return null
  const day = `${match[1]}-${match[2]}-${match[3]}`
  return Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? null : day
}

/**
 * The version yt-dlp prints: its release day, `YYYY.MM.DD`, with a build suffix on nightly
 * builds. Anything else means the executable is not yt-dlp.
 */
export function parseVersion(stdout: string): string | null {
  const version = stdout.trim().split('\n')[0]?.trim() ?? ''
  return /^\d{4}\.\d{2}\.\d{2}(\.\d+)?$/u.test(version) ? version : null
}

/** True when `version` is the release `minimum` or a later one. */
export function isAtLeast(version: string, minimum: string): boolean {
  const parts = (value: string) => value.split('.').map(Number)
  const [a, b] = [parts(version), parts(minimum)]
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference > 0
  }
  return true
}

/** How old a release is, in words for an error message: `about 2 years old`. */
export function releaseAge(version: string, now = new Date()): string {
  const [year, month, day] = version.split('.').map(Number)
  const released = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1)
  const days = Math.floor((now.getTime() - released) / 86_400_000)
  if (days < 60) return `${Math.max(0, days)} days old`
  if (days < 730) return `about ${Math.round(days / 30.4)} months old`
  return `about ${Math.floor(days / 365.25)} years old`
}
