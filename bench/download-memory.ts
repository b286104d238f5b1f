import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Objm } from '@nats-io/obj'
import { buckets } from '@tella/contracts'
import { connectNats, ensureTopology } from '@tella/platform'
import { startNatsServer } from '@tella/test-support'
import { loadAverage } from './lib/load.ts'
import { processMemory, sampleMemory } from './lib/process-memory.ts'

/**
 * Stores a 1 GiB object in the media bucket and downloads it in a child process through
 * `MediaObjects.download`, sampling the child's resident memory from /proc: idle (connected,
 * warmed up), peak and growth. Aim: growth under 100 MiB whatever the object's size, since
 * the downloader's pod has 1 GiB. Then, for comparison, the same download through
 * `ObjectStore.get()`, the path used before (skip it with `stream-only`). Exit code 1 when
 * the aim is missed.
 *
 * Usage: pnpm --filter @tella/bench download-memory [sizeInMiB] [stream-only]
 */
const sizeMiB = Number(process.argv[2] ?? 1024)
const streamOnly = process.argv[3] === 'stream-only'
const aimMiB = 100
const mib = 1024 * 1024
const childScript = fileURLToPath(new URL('./download-memory/download-child.ts', import.meta.url))

console.log(`load average at start: ${loadAverage()}`)
const nats = await startNatsServer()
const dir = await mkdtemp(path.join(tmpdir(), 'tella-bench-download-'))
const nc = await connectNats({ url: nats.url, name: 'bench-download-memory' })
try {
  await ensureTopology(nc)
  const store = await new Objm(nc).open(buckets.media)
  await store.put({ name: 'bench/warmup' }, generated(1))
  const started = performance.now()
  await store.put({ name: 'bench/object' }, generated(sizeMiB))
  const putSeconds = (performance.now() - started) / 1000
  console.log(`stored ${sizeMiB} MiB in ${putSeconds.toFixed(1)} s`)

  const streamed = await measure('stream')
  report('MediaObjects.download', streamed)
  if (streamed.growthMiB >= aimMiB) process.exitCode = 1
  console.log(
    `  aim              growth < ${aimMiB} MiB: ${(streamed.growthMiB / aimMiB).toFixed(2)}`,
  )

  if (!streamOnly) report('ObjectStore.get() (before)', await measure('get'))
} finally {
  await nc.close()
  await nats.stop()
  await rm(dir, { recursive: true, force: true })
  console.log(`load average at end: ${loadAverage()}`)
}

interface Measurement {
  idleMiB: number
  peakMiB: number
  growthMiB: number
  seconds: number
  bytes: number
}

/** Runs one download in a fresh child process and samples its memory every 50 ms. */
async function measure(mode: 'stream' | 'get'): Promise<Measurement> {
  const target = path.join(dir, `download-${mode}`)
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
    env: {
      ...process.env,
      NATS_URL: nats.url,
      OBJECT_KEY: 'bench/object',
      WARMUP_KEY: 'bench/warmup',
      TARGET: target,
      MODE: mode,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  try {
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })
    const next = lineReader(lines)
    if ((await next()) !== 'ready') throw new Error(`${mode} child did not start`)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const pid = child.pid as number
    const idle = (await processMemory(pid)).rss

    const sampler = sampleMemory(pid, 50)
    child.stdin?.write('go\n')
    const result = JSON.parse(await next()) as { bytes: number; seconds: number }
    const peak = await sampler.stop()
    return {
      idleMiB: idle / 1024,
      peakMiB: peak / 1024,
      growthMiB: (peak - idle) / 1024,
      ...result,
    }
  } finally {
    await stop(child)
    await rm(target, { force: true })
  }
}

function report(title: string, m: Measurement) {
  console.log(`${title}: ${(m.bytes / mib).toFixed(0)} MiB in ${m.seconds.toFixed(1)} s`)
  console.log(`  throughput       ${(m.bytes / 1e6 / m.seconds).toFixed(1)} MB/s`)
  console.log(`  idle RSS         ${m.idleMiB.toFixed(1)} MiB`)
  console.log(`  peak RSS         ${m.peakMiB.toFixed(1)} MiB`)
  console.log(`  growth           ${m.growthMiB.toFixed(1)} MiB`)
}

/** `sizeMiB` of bytes made on the fly; nothing is held in memory. */
function generated(sizeMiB: number): ReadableStream<Uint8Array> {
  const block = new Uint8Array(mib).map((_, index) => (index * 7) % 251)
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent++ < sizeMiB) controller.enqueue(block.slice())
      else controller.close()
    },
  })
}

function lineReader(lines: ReturnType<typeof createInterface>): () => Promise<string> {
  const iterator = lines[Symbol.asyncIterator]()
  return async () => {
    const { value, done } = await iterator.next()
    if (done) throw new Error('the child exited early')
    return value
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}
