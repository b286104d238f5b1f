import { request } from 'node:http'
import { Readable } from 'node:stream'
import {
  bearer,
  createTestDatabase,
  freePort,
  serviceProcess,
  startNatsServer,
  testJwtSecret,
} from '@tella/test-support'
import { processMemory as memory } from './lib/process-memory.ts'

/**
 * Uploads a 1 GB file to jobs-api and reports its peak resident memory against its idle
 * memory, sampled from /proc. The upload must stream to the object store: the growth has to
 * stay under 100 MB whatever the file's size. Exit code 1 when it does not.
 *
 * Usage: pnpm --filter @tella/bench upload-memory [sizeInMiB]
 */
const sizeMiB = Number(process.argv[2] ?? 1024)
const limitMiB = 100
const chunk = Buffer.alloc(1024 * 1024, 0x5a)

const [database, nats, port] = await Promise.all([
  createTestDatabase(),
  startNatsServer(),
  freePort(),
])
const api = serviceProcess('jobs-api', {
  DATABASE_URL: database.url,
  NATS_URL: nats.url,
  JWT_SECRET: testJwtSecret,
  PORT: String(port),
  HOST: '127.0.0.1',
  UPLOAD_MAX_BYTES: String(4 * 1024 ** 3),
})

try {
  await api.start()
  const pid = api.process.pid as number
  // Warm up: one small upload so lazy initialisation is not counted as upload cost.
  await upload(port, 1)
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  const idle = await memory(pid)

  let peakSampled = idle.rss
  const sampler = setInterval(async () => {
    peakSampled = Math.max(peakSampled, (await memory(pid)).rss)
  }, 50)
  const started = performance.now()
  const status = await upload(port, sizeMiB)
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  const after = await memory(pid)

  const peak = Math.max(peakSampled, after.hwm)
  const growthMiB = (peak - idle.rss) / 1024
  console.log(`upload of ${sizeMiB} MiB answered ${status} in ${seconds.toFixed(1)} s`)
  console.log(`  throughput       ${(sizeMiB / seconds).toFixed(1)} MiB/s`)
  console.log(`  idle RSS         ${(idle.rss / 1024).toFixed(1)} MiB`)
  console.log(`  peak RSS (HWM)   ${(peak / 1024).toFixed(1)} MiB`)
  console.log(`  growth           ${growthMiB.toFixed(1)} MiB (limit ${limitMiB} MiB)`)
  if (status !== 202 || growthMiB >= limitMiB) process.exitCode = 1
} finally {
  await api.kill('SIGTERM')
  await nats.stop()
  await database.drop()
}

/** Streams a multipart body of `sizeMiB` generated on the fly; nothing is held in memory. */
function upload(port: number, sizeMiB: number): Promise<number> {
  const boundary = `----tella${Date.now()}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const body = Readable.from(
    (function* () {
      yield head
      for (let i = 0; i < sizeMiB; i++) yield chunk
      yield tail
    })(),
  )
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/imports/upload',
        headers: {
          ...bearer(`bench_${Date.now()}`),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + sizeMiB * chunk.length + tail.length,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    body.pipe(req)
  })
}
