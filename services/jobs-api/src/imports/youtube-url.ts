/**
 * Reduces a pasted YouTube link to its 11-character video id. Only YouTube's own hosts are
 * accepted, and only the paths that name one video; anything else is refused rather than
 * guessed, since a false accept starts a download of the wrong thing.
 */
const videoIdPattern = /^[A-Za-z0-9_-]{11}$/u

const watchHosts = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'music.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
])
const shortHosts = new Set(['youtu.be', 'www.youtu.be'])
const idPathPrefixes = new Set(['shorts', 'live', 'embed', 'v', 'e'])

export type YoutubeUrlRefusal =
  | 'YOUTUBE_URL_INVALID'
  | 'YOUTUBE_URL_NOT_YOUTUBE'
  | 'YOUTUBE_URL_NO_VIDEO'
  | 'YOUTUBE_URL_BAD_VIDEO_ID'

export type YoutubeUrlResult =
  | { ok: true; videoId: string; canonicalUrl: string }
  | { ok: false; code: YoutubeUrlRefusal }

export function parseYoutubeUrl(input: string): YoutubeUrlResult {
  const trimmed = input.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(trimmed) ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return { ok: false, code: 'YOUTUBE_URL_INVALID' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, code: 'YOUTUBE_URL_INVALID' }
  if (url.username || url.password || url.port)
    return { ok: false, code: 'YOUTUBE_URL_NOT_YOUTUBE' }

  const host = url.hostname.toLowerCase().replace(/\.$/u, '')
  const segments = url.pathname.split('/').filter(Boolean)
  let candidate: string | null | undefined
  if (shortHosts.has(host)) {
    candidate = segments.length === 1 ? segments[0] : null
  } else if (watchHosts.has(host)) {
    candidate = videoIdFromWatchHost(url, segments)
  } else {
    return { ok: false, code: 'YOUTUBE_URL_NOT_YOUTUBE' }
  }

  if (!candidate) return { ok: false, code: 'YOUTUBE_URL_NO_VIDEO' }
  if (!videoIdPattern.test(candidate)) return { ok: false, code: 'YOUTUBE_URL_BAD_VIDEO_ID' }
  return {
    ok: true,
    videoId: candidate,
    canonicalUrl: `https://www.youtube.com/watch?v=${candidate}`,
  }
}

function videoIdFromWatchHost(url: URL, segments: string[]): string | null | undefined {
  if (segments.length === 1 && segments[0] === 'watch') {
    const ids = url.searchParams.getAll('v')
    return ids.length === 1 ? ids[0] : null
  }
  if (segments.length === 2 && idPathPrefixes.has(segments[0] as string)) return segments[1]
  return null
}
