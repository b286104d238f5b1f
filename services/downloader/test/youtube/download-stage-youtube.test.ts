import path from 'node:path'
import type { DownloadCommand } from '@tella/contracts'
import {
  connectNats,
  ensureTopology,
  MediaObjects,
  resolveMediaTools,
  type StageContext,
} from '@tella/platform'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { startNatsServer } from '../../../../test/support/nats-server.ts'
import { runDownloadStage } from '../../src/download-stage.ts'
import type { YoutubeLimits } from '../../src/sources/youtube-source.ts'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import { probeWav } from '../media/fixtures/media.ts'
import { installStandIn, type Scenario, watchUrl, youtubeError } from './support/stand-in.ts'
import { makeVideoAudio, type VideoFacts, videoInfo } from './support/youtube-fixtures.ts'

const dir = t.testdir()
const audio = await makeVideoAudio(dir)
const nats = await startNatsServer()
const nc = await connectNats({ url: nats.url, name: 'download-stage-youtube-test' })
t.teardown(async () => {
  await nc.close()
  await nats.stop()
})
await ensureTopology(nc)
const media = await MediaObjects.open(nc)
const tools = resolveMediaTools()
const limits: YoutubeLimits = { maxDurationSec: 3600, maxBytes: 50_000_000, timeoutMs: 30_000 }

let jobs = 0

/** Runs the stage for one YouTube command, as the worker runner would. */
async function runStage(
  t: Test,
  video: VideoFacts,
  scenario: Partial<Scenario> = {},
  stageLimits: Partial<YoutubeLimits> = {},
) {
  const standIn = await installStandIn({
    version: '2025.12.08',
    metadata: await videoInfo(video, audio.webm),
    audio: { file: audio.webm, ext: 'webm', chunks: 5 },
    ...scenario,
  })
  t.teardown(() => standIn.remove())
  const command: DownloadCommand = {
    jobId: `job_stage_youtube_${++jobs}`,
    userId: 'user_stage',
    attempt: 1,
    source: 'YOUTUBE',
    url: watchUrl(video.id),
  }
  const fractions: number[] = []
  const context: StageContext<DownloadCommand> = {
    command,
    signal: new AbortController().signal,
    deliveryCount: 1,
    reportProgress: (fraction) => fractions.push(fraction),
    logger: pino({ level: 'silent' }),
  }
  const engine = new YtDlpEngine({ executable: standIn.executable, socketTimeoutSec: 5 })
  const result = runDownloadStage(context, {
    media,
    tools,
    youtube: { engine, limits: { ...limits, ...stageLimits } },
  })
  return { result, fractions, command, standIn }
}

t.test('a YouTube video becomes the same 16 kHz mono audio as an upload', async (t) => {
  const facts = { id: 'stageVideo1', title: 'Biology Lecture 5', channel: 'Open Biology' }
  const { result, fractions, command } = await runStage(t, facts)

  t.match(await result, {
    audioKey: `${command.jobId}/audio.wav`,
    mimeType: 'audio/webm',
    title: 'Biology Lecture 5',
    channel: 'Open Biology',
    thumbnailUrl: 'https://i.ytimg.com/vi_webp/stageVideo1/maxresdefault.webp',
    uploadDate: '2024-01-15',
  })
  t.ok(Math.abs((await result).durationSec - audio.durationSec) < 0.05, 'the whole clip')

  const stored = path.join(t.testdir(), 'stored.wav')
  await media.download(`${command.jobId}/audio.wav`, stored)
  t.match(await probeWav(stored), { codec: 'pcm_s16le', sampleRate: 16_000, channels: 1 })

  const fetching = fractions.filter((fraction) => fraction < 0.4)
  t.ok(fetching.length >= 4, `bytes moved the fetch share: ${fetching.join(', ')}`)
  t.ok(
    fetching.every((fraction) => fraction > 0),
    'none before the first bytes',
  )
  t.ok(
    fractions.every((fraction, index) => index === 0 || fraction >= (fractions[index - 1] ?? 0)),
    `never backwards: ${fractions.join(', ')}`,
  )
})

t.test('AAC in M4A, YouTube’s other audio format, is normalised too', async (t) => {
  const { result } = await runStage(
    t,
    { id: 'stageVideo2' },
    { audio: { file: audio.m4a, ext: 'm4a', formatId: '140' } },
  )

  t.match(await result, { mimeType: 'audio/mp4', title: 'Cell division: mitosis and meiosis' })
})

t.test('a finished stream that stated no duration is measured against the limit', async (t) => {
  const facts = { id: 'stageVideo3', liveStatus: 'was_live', durationSec: null }
  const { result, command } = await runStage(t, facts, {}, { maxDurationSec: 5 })

  await t.rejects(result, { code: 'YOUTUBE_VIDEO_TOO_LONG', detail: /the limit is 0:05$/u })
  await t.rejects(media.download(`${command.jobId}/audio.wav`, path.join(t.testdir(), 'none')), {
    code: 'SOURCE_MISSING',
  })
})

t.test(
  'a private video fails as YOUTUBE_VIDEO_PRIVATE, not YOUTUBE_URL_INVALID, for good and ' +
    'before any download',
  async (t) => {
    const reason =
      "Private video. Sign in if you've been granted access to this video. Use " +
      '--cookies-from-browser or --cookies for the authentication.'
    const { result, standIn } = await runStage(
      t,
      { id: 'stageVideo4' },
      { fail: { phase: 'metadata', stderr: [youtubeError('stageVideo4', reason)], exitCode: 1 } },
    )

    await t.rejects(result, {
      code: 'YOUTUBE_VIDEO_PRIVATE',
      message: 'Invalid or private YouTube URL: the video is private',
      retryable: false,
      detail: 'its owner can make it public or unlisted',
    })
    const runs = await standIn.calls()
    t.notOk(
      runs.some((argv) => !argv.includes('--skip-download') && !argv.includes('--version')),
      'no download was started',
    )
  },
)
