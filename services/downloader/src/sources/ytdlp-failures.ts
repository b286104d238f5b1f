import { CodedError, type ErrorCode } from '@tella/contracts'
import { releaseAge } from './ytdlp-output.ts'

/**
 * yt-dlp's failures turned into catalogue codes. yt-dlp has no machine-readable error kinds
 * on its command line: it prints `ERROR: [youtube] <id>: <YouTube's reason>` on stderr and
 * exits 1 (2 for a usage error). The reasons are YouTube's own playability texts, stable for
 * years, so matching them is how every caller of yt-dlp tells the cases apart.
 */

interface Rule {
  code: ErrorCode
  pattern: RegExp
  /** The detail to show instead of yt-dlp's line, when its line says too little or too much. */
  detail?: string
}

/** A case-insensitive pattern matching any of `phrases`, each a regular expression itself. */
function anyOf(...phrases: string[]): RegExp {
  return new RegExp(phrases.join('|'), 'iu')
}

/**
 * What an extractor that no longer matches YouTube's pages and player says. yt-dlp adds
 * "Confirm you are on the latest version" to every error it takes for its own bug, and a 403
 * on the media itself is YouTube refusing URLs signed the way an old release signs them.
 */
const outdatedSigns = anyOf(
  'Unable to extract',
  'nsig extraction failed',
  'Signature extraction failed',
  'challenge solving failed',
  'Failed to extract any player response',
  'Requested format is not available',
  'latest version',
  'no such option',
  'JavaScript runtime',
  'HTTP Error 403',
)

/** First match wins, so narrower texts come before broader ones ("Sign in…", "unavailable"). */
const rules: Rule[] = [
  {
    // Not YOUTUBE_URL_INVALID: the link is right, and only the video's owner can change this.
    code: 'YOUTUBE_VIDEO_PRIVATE',
    pattern: anyOf('Private video', 'This video is private'),
    // YouTube's own text says to sign in, which a student cannot do through this service.
    detail: 'its owner can make it public or unlisted',
  },
  {
    code: 'YOUTUBE_LIVE_NOT_FINISHED',
    pattern: anyOf('live event will begin', 'Premieres? (in|will begin)', 'is not live yet'),
  },
  {
    // YouTube's bot check: it follows changes of YouTube's clients that a current yt-dlp
    // tracks; an old one meets it on every video.
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    pattern: anyOf('confirm you.?re not a bot'),
  },
  {
    code: 'YOUTUBE_SIGN_IN_REQUIRED',
    pattern: anyOf(
      'confirm your age',
      'age.restricted',
      'inappropriate for some users',
      'members.only',
      'Join this channel',
      'Premium members',
      'requires payment',
      'Sign in to view',
    ),
  },
  {
    code: 'YOUTUBE_REGION_BLOCKED',
    pattern: anyOf('available in your country', 'available from your location', 'geo.?restrict'),
  },
  { code: 'YOUTUBE_RATE_LIMITED', pattern: anyOf('HTTP Error 429', 'Too Many Requests') },
  {
    code: 'YOUTUBE_VIDEO_UNAVAILABLE',
    pattern: anyOf(
      'Video unavailable',
      'video is (unavailable|not available)',
      'has been removed',
      'no longer available',
      'has been terminated',
      'does not exist',
      'Incomplete YouTube ID',
      'HTTP Error 404',
      'recording is not available',
    ),
  },
  { code: 'DOWNLOAD_ENGINE_OUTDATED', pattern: outdatedSigns },
  {
    code: 'NETWORK_TIMEOUT',
    pattern: anyOf(
      'timed out',
      'name resolution',
      'Name or service not known',
      'getaddrinfo',
      'Network is unreachable',
      'No route to host',
      'Connection (refused|reset|aborted)',
      'Remote end closed',
      'IncompleteRead',
      'bytes read',
      'urlopen error',
      'TransportError',
      'HTTP Error 5\\d\\d',
      'Unable to download',
      'giving up after',
    ),
  },
]

/**
 * The coded error for a failed yt-dlp run, from its stderr. The ERROR lines decide; when they
 * match no rule, warnings about YouTube's player (which precede "Requested format is not
 * available" when yt-dlp is too old) still mark the engine as outdated. Anything unknown is
 * INTERNAL_ERROR, which the stage runner retries and then reports as exhausted attempts.
 */
export function classifyFailure(stderr: string, version: string, exitCode: number | null) {
  const lines = stderr.split('\n').map((line) => line.trim())
  const errors = lines.filter((line) => line.startsWith('ERROR:') || line.includes(': error:'))
  const said = errors.length > 0 ? errors.join('\n') : lines.join('\n')

  const rule = rules.find((candidate) => candidate.pattern.test(said))
  const code = rule?.code ?? (outdatedSigns.test(stderr) ? 'DOWNLOAD_ENGINE_OUTDATED' : null)
  const reason = rule?.detail ?? reasonOf(errors[0] ?? lines.findLast((line) => line !== ''))

  if (code === 'DOWNLOAD_ENGINE_OUTDATED') {
    const age = releaseAge(version)
    const detail = `yt-dlp ${version}, ${age}: ${reason}; update yt-dlp to its latest release`
    return new CodedError(code, { detail })
  }
  if (code) return new CodedError(code, { detail: reason })
  return new CodedError('INTERNAL_ERROR', {
    detail: `yt-dlp exited ${exitCode ?? 'on a signal'}: ${reason || 'no message'}`,
  })
}

/**
 * yt-dlp's reason without its prefix, its advice on cookies and its links: the detail ends up
 * in a job's errorMessage, read by students.
 */
function reasonOf(line: string | undefined): string {
  const reason = (line ?? '')
    .replace(/^ERROR:\s*(\[[^\]]+\]\s*)?([A-Za-z0-9_-]{11}:\s*)?/u, '')
    .replace(/^(Usage:.*|yt-dlp: error:\s*)/u, '')
    .split(/\s(?:Use --cookies|Use --list-formats|please report this issue|See\s+https?:)/u)[0]
    ?.replace(/\s*\(caused by .*$/u, '')
    .replace(/[.;,\s]+$/u, '')
  const short = reason ?? ''
  return short.length > 200 ? `${short.slice(0, 199)}…` : short
}
