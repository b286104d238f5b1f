import { execFileSync } from 'node:child_process'
import { access, open } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { probeMedia } from '../../src/media/probe.ts'
import { ffmpeg, processesWithArgument, tools } from './fixtures/media.ts'

const dir = t.testdir()

const long = join(dir, 'twenty minutes.wav')
await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=1200:r=8000:a=0.3', '-c:a', 'pcm_s16le', long])

/** Polls until a process whose command line holds `marker` appears, and returns its id. */
async function processFor(marker: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [pid] = processesWithArgument(marker)
    if (pid !== undefined) return pid
    await sleep(10)
  }
  throw new Error(`no process with ${marker} started`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('a signal aborted before the call rejects CANCELLED without starting ffmpeg', async (t) => {
  const output = join(dir, 'never started.wav')
  const signal = AbortSignal.abort()

  await t.rejects(extractAudio(long, output, { ffmpeg: tools.ffmpeg, signal }), {
    code: 'CANCELLED',
  })
  await t.rejects(probeMedia(long, { ffprobe: tools.ffprobe, signal }), { code: 'CANCELLED' })
  t.same(processesWithArgument(output), [], 'no ffmpeg ran for this output')
})

t.test(
  'aborting right after start on a 20-minute input leaves no ffmpeg and no file',
  async (t) => {
    const output = join(dir, 'aborted at once.wav')
    const controller = new AbortController()
    const started = Date.now()
    const extraction = extractAudio(long, output, {
      ffmpeg: tools.ffmpeg,
      signal: controller.signal,
    })
    controller.abort()

    await t.rejects(extraction, { code: 'CANCELLED' })
    t.ok(Date.now() - started < 2000, `rejected after ${Date.now() - started} ms`)
    t.same(processesWithArgument(output), [], 'no ffmpeg remains for this output')
    await t.rejects(access(output), { code: 'ENOENT' }, 'no partial output remains')
  },
)

t.test(
  'aborting ffmpeg stuck on a stalled input kills it within 2 s and removes the output',
  async (t) => {
    // A FIFO that gets a WAV header and a little audio, then nothing: like a hung network mount.
    // Blocked in read(), ffmpeg never acts on SIGTERM, so this proves the SIGKILL that follows.
    const fifo = join(dir, 'stalled upload.wav')
    execFileSync('mkfifo', [fifo])
    const output = join(dir, 'stalled.16k.wav')
    const controller = new AbortController()
    const extraction = extractAudio(fifo, output, {
      ffmpeg: tools.ffmpeg,
      signal: controller.signal,
    })
    // Observe the outcome now so that the rejection is never unhandled while we wait below.
    const outcome = extraction.then(
      () => undefined,
      (error: unknown) => error,
    )

    const writer = await open(fifo, 'w')
    t.teardown(() => writer.close())
    const head = (await open(long, 'r')).createReadStream({ start: 0, end: 256 * 1024 })
    for await (const chunk of head) await writer.write(chunk as Buffer)

    const pid = await processFor(output)
    await waitFor(() =>
      access(output).then(
        () => true,
        () => false,
      ),
    )
    await sleep(200)
    t.ok(isAlive(pid), `ffmpeg ${pid} is waiting for more input`)

    const aborted = Date.now()
    controller.abort()
    const error = await outcome
    const elapsed = Date.now() - aborted

    t.match(error, { code: 'CANCELLED' })
    t.ok(elapsed < 2000, `rejected ${elapsed} ms after the abort`)
    t.notOk(isAlive(pid), `ffmpeg ${pid} is gone`)
    await t.rejects(access(output), { code: 'ENOENT' }, 'the partial output is removed')
  },
)

t.test('aborting ffprobe stuck on a stalled input rejects CANCELLED within 2 s', async (t) => {
  const fifo = join(dir, 'stalled probe.mp3')
  execFileSync('mkfifo', [fifo])
  const controller = new AbortController()
  const probing = probeMedia(fifo, { ffprobe: tools.ffprobe, signal: controller.signal })
  const outcome = probing.then(
    () => undefined,
    (error: unknown) => error,
  )

  // Nobody opens the FIFO for writing, so ffprobe waits in open() for good.
  const pid = await processFor(fifo)
  const aborted = Date.now()
  controller.abort()
  t.match(await outcome, { code: 'CANCELLED' })
  t.ok(Date.now() - aborted < 2000, `rejected ${Date.now() - aborted} ms after the abort`)
  t.notOk(isAlive(pid), `ffprobe ${pid} is gone`)
})

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await condition()) return
    await sleep(10)
  }
  throw new Error('condition never held')
}
