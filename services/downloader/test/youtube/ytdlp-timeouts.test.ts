import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { fetchYoutubeAudio } from '../../src/sources/youtube-source.ts'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import {
  installStandIn,
  isAlive,
  type Scenario,
  type StandIn,
  watchUrl,
} from './support/stand-in.ts'
import { makeVideoAudio, videoInfo } from './support/youtube-fixtures.ts'

const dir = t.testdir()
const audio = await makeVideoAudio(dir)
const id = 'aqz-KE-bpKQ'
const logger = pino({ level: 'silent' })
const limits = { maxDurationSec: 3600, maxBytes: 100_000_000 }
// Room for three Node start-ups of the stand-in on a busy machine before the hang is reached.
const timeoutMs = 4000

async function standInFor(t: Test, scenario: Partial<Scenario>): Promise<StandIn> {
  const standIn = await installStandIn({
    version: '2025.12.08',
    metadata: await videoInfo({ id }, audio.webm),
    audio: { file: audio.webm, ext: 'webm', chunks: 4 },
    ...scenario,
  })
  t.teardown(() => standIn.remove())
  return standIn
}

function fetchThrough(
  t: Test,
  standIn: StandIn,
  options: { timeoutMs: number; signal?: AbortSignal },
) {
  return fetchYoutubeAudio(watchUrl(id), t.testdir(), {
    engine: new YtDlpEngine({ executable: standIn.executable, socketTimeoutSec: 5 }),
    limits: { ...limits, timeoutMs: options.timeoutMs },
    signal: options.signal ?? new AbortController().signal,
    logger,
    onProgress: () => {},
  })
}

/** Processes the stand-in ran that are still alive after a moment for the kernel to reap. */
async function survivors(standIn: StandIn): Promise<number[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const alive = (await standIn.pids()).filter(isAlive)
    if (alive.length === 0) return []
    await sleep(50)
  }
  return (await standIn.pids()).filter(isAlive)
}

for (const phase of ['version', 'metadata', 'download'] as const) {
  t.test(`yt-dlp hanging on ${phase} is killed at the timeout, helpers too`, async (t) => {
    const standIn = await standInFor(t, { hang: phase })
    const started = Date.now()

    await t.rejects(fetchThrough(t, standIn, { timeoutMs }), {
      code: 'NETWORK_TIMEOUT',
      retryable: true,
      detail: `yt-dlp gave no result within ${timeoutMs / 1000} s`,
    })

    const elapsed = Date.now() - started
    t.ok(elapsed >= timeoutMs && elapsed < timeoutMs + 2000, `rejected after ${elapsed} ms`)
    t.equal((await standIn.helpers()).length, 1, `yt-dlp hung on ${phase}, with a helper`)
    t.same(await survivors(standIn), [], 'no process is left')
  })
}

t.test('yt-dlp ignoring SIGTERM is SIGKILLed within a second more', async (t) => {
  const standIn = await standInFor(t, { hang: 'metadata', ignoreSigterm: true })
  const started = Date.now()

  await t.rejects(fetchThrough(t, standIn, { timeoutMs }), { code: 'NETWORK_TIMEOUT' })

  const elapsed = Date.now() - started
  const killedAt = timeoutMs + 1000
  t.ok(elapsed >= killedAt && elapsed < killedAt + 2000, `rejected after ${elapsed} ms`)
  t.equal((await standIn.helpers()).length, 1, 'it hung, deaf to SIGTERM')
  t.same(await survivors(standIn), [], 'no process is left')
})

t.test('cancelling mid-download stops yt-dlp within 2 s, as a cancel', async (t) => {
  const standIn = await standInFor(t, {
    audio: { file: audio.webm, ext: 'webm', chunks: 40, chunkDelayMs: 250 },
  })
  const controller = new AbortController()
  let cancelledAt = 0
  const fetching = fetchYoutubeAudio(watchUrl(id), t.testdir(), {
    engine: new YtDlpEngine({ executable: standIn.executable, socketTimeoutSec: 5 }),
    limits: { ...limits, timeoutMs: 60_000 },
    signal: controller.signal,
    logger,
    onProgress: (fraction) => {
      if (cancelledAt > 0) return
      t.ok(fraction > 0 && fraction < 1, `the download was under way: ${fraction}`)
      cancelledAt = Date.now()
      controller.abort('cancelled')
    },
  })

  await t.rejects(fetching, { code: 'CANCELLED' })
  const elapsed = Date.now() - cancelledAt
  t.ok(cancelledAt > 0 && elapsed < 2000, `stopped ${elapsed} ms after the cancel`)
  t.same(await survivors(standIn), [], 'no process is left')
})

t.test('a cancel before the deadline is never reported as a timeout', async (t) => {
  const standIn = await standInFor(t, { hang: 'metadata' })
  const controller = new AbortController()
  setTimeout(() => controller.abort('cancelled'), 300)

  await t.rejects(fetchThrough(t, standIn, { timeoutMs: 60_000, signal: controller.signal }), {
    code: 'CANCELLED',
  })
  t.same(await survivors(standIn), [])
})
