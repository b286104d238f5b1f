import { stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { fetchYoutubeAudio, type YoutubeLimits } from '../../src/sources/youtube-source.ts'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import { installStandIn, isAlive, type Scenario, watchUrl } from './support/stand-in.ts'
import { makeVideoAudio, type VideoFacts, videoInfo } from './support/youtube-fixtures.ts'

const dir = t.testdir()
const audio = await makeVideoAudio(dir)
const audioBytes = (await stat(audio.webm)).size
const id = 'M7lc1UVf-VE'
const logger = pino({ level: 'silent' })
const limits: YoutubeLimits = { maxDurationSec: 4 * 3600, maxBytes: 10_000_000, timeoutMs: 30_000 }

async function fetchWith(
  t: Test,
  facts: Omit<VideoFacts, 'id'>,
  options: { limits?: Partial<YoutubeLimits>; scenario?: Partial<Scenario> } = {},
) {
  const standIn = await installStandIn({
    version: '2025.12.08',
    metadata: await videoInfo({ id, ...facts }, audio.webm),
    audio: { file: audio.webm, ext: 'webm', chunks: 6 },
    ...options.scenario,
  })
  t.teardown(() => standIn.remove())
  const fractions: number[] = []
  const fetching = fetchYoutubeAudio(watchUrl(id), t.testdir(), {
    engine: new YtDlpEngine({ executable: standIn.executable, socketTimeoutSec: 5 }),
    limits: { ...limits, ...options.limits },
    signal: new AbortController().signal,
    logger,
    onProgress: (fraction) => fractions.push(fraction),
  })
  const downloads = async () =>
    (await standIn.calls()).filter((argv) => argv.includes('--output')).length
  return { fetching, fractions, downloads, standIn }
}

t.test('a video imports with its metadata and byte progress rising to 1', async (t) => {
  const { fetching, fractions } = await fetchWith(t, { title: 'Biology Lecture 5' })

  const { path, video } = await fetching

  t.match(path, /source\.webm$/u)
  t.equal((await stat(path)).size, audioBytes)
  t.match(video, { title: 'Biology Lecture 5', uploadDate: '2024-01-15', liveStatus: 'not_live' })
  t.equal(fractions.length, 6, `one report per chunk: ${fractions.join(', ')}`)
  t.equal(fractions.at(-1), 1)
  t.ok(fractions.every((value, index) => index === 0 || value > (fractions[index - 1] ?? 0)))
})

for (const liveStatus of ['was_live', 'post_live']) {
  t.test(`a finished live stream (${liveStatus}) imports`, async (t) => {
    const { fetching } = await fetchWith(t, { liveStatus, durationSec: null, filesize: null })

    const { video } = await fetching

    t.equal(video.liveStatus, liveStatus)
    t.equal(video.durationSec, null, 'a stream may state no duration')
  })
}

for (const [liveStatus, detail] of [
  ['is_live', 'the stream is still running'],
  ['is_upcoming', 'the stream has not begun'],
]) {
  t.test(`a live stream that ${liveStatus} is refused before any download`, async (t) => {
    const { fetching, downloads } = await fetchWith(t, {
      liveStatus,
      durationSec: null,
      filesize: null,
    })

    await t.rejects(fetching, { code: 'YOUTUBE_LIVE_NOT_FINISHED', retryable: false, detail })
    t.equal(await downloads(), 0, 'yt-dlp was never asked to download')
  })
}

t.test('a five-hour video over a four-hour limit is refused before any download', async (t) => {
  const { fetching, downloads } = await fetchWith(t, { durationSec: 5 * 3600 + 7 })

  await t.rejects(fetching, {
    code: 'YOUTUBE_VIDEO_TOO_LONG',
    detail: '5:00:07 long; the limit is 4:00:00',
  })
  t.equal(await downloads(), 0)
})

t.test('audio whose stated size is over the limit is refused before any download', async (t) => {
  const { fetching, downloads } = await fetchWith(t, {}, { limits: { maxBytes: 1000 } })

  await t.rejects(fetching, { code: 'YOUTUBE_VIDEO_TOO_LONG', detail: /the limit is 1 MB$/u })
  t.equal(await downloads(), 0)
})

t.test('audio of unknown size that grows past the limit is stopped mid-download', async (t) => {
  const { fetching, downloads, standIn } = await fetchWith(
    t,
    { filesize: null },
    {
      limits: { maxBytes: Math.floor(audioBytes / 2) },
      scenario: { audio: { file: audio.webm, ext: 'webm', chunks: 6, total: 'none' } },
    },
  )

  await t.rejects(fetching, { code: 'YOUTUBE_VIDEO_TOO_LONG', detail: /^the audio is/u })
  t.equal(await downloads(), 1, 'the download had started')
  await sleep(100)
  const alive = (await standIn.pids()).filter(isAlive)
  t.same(alive, [], 'yt-dlp was stopped')
})
