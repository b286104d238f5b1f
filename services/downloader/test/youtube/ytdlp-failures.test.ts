import { errorCatalogue } from '@tella/contracts'
import t from 'tap'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import { installStandIn, watchUrl, youtubeError } from './support/stand-in.ts'
import { makeVideoAudio, videoInfo } from './support/youtube-fixtures.ts'

const dir = t.testdir()
const audio = await makeVideoAudio(dir)
const id = 'kJQP7kiw5Fk'

const cookies =
  'Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/' +
  'yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies'
const reportIt =
  'please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out ' +
  'the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U'

interface Case {
  name: string
  /** The phase yt-dlp fails in; a download failure comes after some bytes. */
  phase: 'metadata' | 'download'
  stderr: string[]
  exitCode?: number
  version?: string
  code: keyof typeof errorCatalogue
  detail: RegExp
}

/** yt-dlp's own lines for each failure, as it prints them on stderr, with its exit codes. */
const cases: Case[] = [
  {
    name: 'a private video',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        `Private video. Sign in if you've been granted access to this video. ${cookies}`,
      ),
    ],
    code: 'YOUTUBE_VIDEO_PRIVATE',
    detail: /^its owner can make it public or unlisted$/u,
  },
  {
    name: 'a private video, in the words of older yt-dlp releases',
    phase: 'metadata',
    stderr: [youtubeError(id, 'This video is private')],
    code: 'YOUTUBE_VIDEO_PRIVATE',
    detail: /^its owner can make it public or unlisted$/u,
  },
  {
    name: 'a video removed by its uploader',
    phase: 'metadata',
    stderr: [youtubeError(id, 'Video unavailable. This video has been removed by the uploader')],
    code: 'YOUTUBE_VIDEO_UNAVAILABLE',
    detail: /removed by the uploader$/u,
  },
  {
    name: 'a video of a terminated account',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        'Video unavailable. This video is no longer available because the YouTube account ' +
          'associated with this video has been terminated.',
      ),
    ],
    code: 'YOUTUBE_VIDEO_UNAVAILABLE',
    detail: /^Video unavailable\. This video is no longer available/u,
  },
  {
    name: 'a video that never existed',
    phase: 'metadata',
    stderr: [youtubeError(id, 'Video unavailable')],
    code: 'YOUTUBE_VIDEO_UNAVAILABLE',
    detail: /^Video unavailable$/u,
  },
  {
    name: 'an age-restricted video',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        `Sign in to confirm your age. This video may be inappropriate for some users. ${cookies}`,
      ),
    ],
    code: 'YOUTUBE_SIGN_IN_REQUIRED',
    detail: /^Sign in to confirm your age\. This video may be inappropriate for some users$/u,
  },
  {
    name: 'a members-only video',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        'Join this channel to get access to members-only content like this video, and other ' +
          'exclusive perks.',
      ),
    ],
    code: 'YOUTUBE_SIGN_IN_REQUIRED',
    detail: /^Join this channel/u,
  },
  {
    name: 'a video blocked in this country',
    phase: 'metadata',
    stderr: [youtubeError(id, 'The uploader has not made this video available in your country')],
    code: 'YOUTUBE_REGION_BLOCKED',
    detail: /not made this video available in your country$/u,
  },
  {
    name: 'a video behind a geo restriction',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        'This video is not available from your location due to geo restriction. You might want ' +
          'to use a VPN or a proxy server (with --proxy) to workaround.',
      ),
    ],
    code: 'YOUTUBE_REGION_BLOCKED',
    detail: /geo restriction/u,
  },
  {
    name: 'a live event that has not begun',
    phase: 'metadata',
    stderr: [youtubeError(id, 'This live event will begin in 3 hours.')],
    code: 'YOUTUBE_LIVE_NOT_FINISHED',
    detail: /^This live event will begin in 3 hours$/u,
  },
  {
    name: 'a premiere that has not begun',
    phase: 'metadata',
    stderr: [youtubeError(id, 'Premieres in 2 days')],
    code: 'YOUTUBE_LIVE_NOT_FINISHED',
    detail: /^Premieres in 2 days$/u,
  },
  {
    name: 'no name resolution (no network)',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        'Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name ' +
          "resolution> (caused by URLError(gaierror(-3, 'Temporary failure in name resolution')))",
      ),
    ],
    code: 'NETWORK_TIMEOUT',
    detail: /^Unable to download webpage: <urlopen error \[Errno -3\] Temporary failure/u,
  },
  {
    name: 'a read that timed out mid-download',
    phase: 'download',
    stderr: [
      '[download] Got error: The read operation timed out. Retrying (1/10)...',
      'ERROR: The read operation timed out',
    ],
    code: 'NETWORK_TIMEOUT',
    detail: /^The read operation timed out$/u,
  },
  {
    name: 'HTTP 429 from YouTube',
    phase: 'metadata',
    stderr: [
      youtubeError(
        id,
        'Unable to download webpage: HTTP Error 429: Too Many Requests (caused by ' +
          '<HTTPError 429: Too Many Requests>)',
      ),
    ],
    code: 'YOUTUBE_RATE_LIMITED',
    detail: /HTTP Error 429: Too Many Requests$/u,
  },
  {
    name: "YouTube's bot check meeting a 2023 release",
    phase: 'metadata',
    version: '2023.03.04',
    stderr: [youtubeError(id, `Sign in to confirm you’re not a bot. ${cookies}`)],
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    detail:
      /^yt-dlp 2023\.03\.04, about \d+ years old: Sign in to confirm you’re not a bot; update/u,
  },
  {
    name: 'nsig extraction failing, then no format left',
    phase: 'metadata',
    version: '2024.08.06',
    stderr: [
      `WARNING: [youtube] ${id}: nsig extraction failed: Some formats may be missing`,
      '         n = Ab3dEfGh ; player = ' +
        'https://www.youtube.com/s/player/3bb1f723/player_ias.vflset/en_US/base.js',
      youtubeError(
        id,
        'Requested format is not available. Use --list-formats for a list of available formats',
      ),
    ],
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    detail: /^yt-dlp 2024\.08\.06, .*: Requested format is not available; update yt-dlp/u,
  },
  {
    name: 'an extractor that no longer matches the page',
    phase: 'metadata',
    stderr: [youtubeError(id, `Unable to extract uploader id; ${reportIt}`)],
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    detail: /^yt-dlp 2025\.12\.08, .*: Unable to extract uploader id; update yt-dlp/u,
  },
  {
    name: 'a 403 on the media itself',
    phase: 'download',
    stderr: ['ERROR: unable to download video data: HTTP Error 403: Forbidden'],
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    detail: /: unable to download video data: HTTP Error 403: Forbidden; update yt-dlp/u,
  },
  {
    name: 'an option the installed release does not know',
    phase: 'metadata',
    exitCode: 2,
    stderr: [
      'Usage: yt-dlp [OPTIONS] URL [URL...]',
      '',
      'yt-dlp: error: no such option: --no-cookies-from-browser',
    ],
    code: 'DOWNLOAD_ENGINE_OUTDATED',
    detail: /: no such option: --no-cookies-from-browser; update yt-dlp/u,
  },
  {
    name: 'an error nobody has seen before',
    phase: 'metadata',
    stderr: [youtubeError(id, 'The flux capacitor is discharged')],
    code: 'INTERNAL_ERROR',
    detail: /^yt-dlp exited 1: The flux capacitor is discharged$/u,
  },
]

for (const failure of cases) {
  t.test(`${failure.name} ends as ${failure.code}`, async (t) => {
    const standIn = await installStandIn({
      version: failure.version ?? '2025.12.08',
      metadata: await videoInfo({ id }, audio.webm),
      audio: { file: audio.webm, ext: 'webm', chunks: 4 },
      fail: {
        phase: failure.phase,
        stderr: failure.stderr,
        exitCode: failure.exitCode ?? 1,
        ...(failure.phase === 'download' ? { afterBytes: 1 } : {}),
      },
    })
    t.teardown(() => standIn.remove())
    const engine = new YtDlpEngine({ executable: standIn.executable, socketTimeoutSec: 5 })

    const run =
      failure.phase === 'metadata'
        ? engine.metadata(watchUrl(id), {})
        : engine.download(watchUrl(id), t.testdir(), {})
    const error = await run.then(
      () => t.fail('yt-dlp failed, the engine must not succeed'),
      (caught: unknown) => caught,
    )

    const spec = errorCatalogue[failure.code]
    t.match(error, { code: failure.code, message: spec.message, retryable: spec.retryable })
    t.match((error as { detail?: string }).detail, failure.detail)
    t.notMatch((error as { detail?: string }).detail, /https?:|ERROR:|\[youtube\]/u, 'no noise')
  })
}
