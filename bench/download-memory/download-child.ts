import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream } from 'node:stream/web'
import { Objm } from '@nats-io/obj'
import { buckets } from '@tella/contracts'
import { connectNats, MediaObjects } from '@tella/platform'

/**
 * The downloading process of the download-memory benchmark, so that its resident memory is
 * the download's alone. `MODE=stream` downloads through `MediaObjects.download`; `MODE=get`
 * through `ObjectStore.get()` piped to the file, as the service did before.
 *
 * Protocol on stdio: prints `ready` once connected and warmed up, downloads on a line read
 * from stdin, prints one JSON line `{ bytes, seconds }`, then exits.
 */
const setting = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}
const [NATS_URL, OBJECT_KEY, WARMUP_KEY, TARGET, MODE] = [
  'NATS_URL',
  'OBJECT_KEY',
  'WARMUP_KEY',
  'TARGET',
  'MODE',
].map(setting) as [string, string, string, string, string]

const nc = await connectNats({ url: NATS_URL, name: `bench-download-${MODE}` })
const media = await MediaObjects.open(nc)
const store = await new Objm(nc).open(buckets.media)

const download =
  MODE === 'get'
    ? async (key: string) => {
        const result = await store.get(key)
        if (!result) throw new Error(`${key} is missing`)
        const source = Readable.fromWeb(result.data as ReadableStream)
        await pipeline(source, createWriteStream(TARGET))
        const error = await result.error
        if (error) throw error
        return result.info.size
      }
    : (key: string) => media.download(key, TARGET)

// Warm up: code paths, buffers and the connection are not counted as the download's cost.
await download(WARMUP_KEY)
process.stdout.write('ready\n')
await once(process.stdin, 'data')

const started = performance.now()
const bytes = await download(OBJECT_KEY)
const seconds = (performance.now() - started) / 1000
process.stdout.write(`${JSON.stringify({ bytes, seconds })}\n`)
await nc.close()
process.exit(0)
