import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { Objm } from '@nats-io/obj'
import { buckets } from '@tella/contracts'
import { startNatsServer, waitFor } from '@tella/test-support'
import t, { type Test } from 'tap'
import { connectNats, ensureTopology, MediaObjects } from '../src/index.ts'

const chunk = 128 * 1024
const stream = `OBJ_${buckets.media}`

const server = await startNatsServer()
const nc = await connectNats({ url: server.url, name: 'media-download-test' })
await ensureTopology(nc)
const media = await MediaObjects.open(nc)
const store = await new Objm(nc).open(buckets.media)
const jsm = await jetstreamManager(nc)
t.teardown(async () => {
  await nc.close()
  await server.stop()
})

/** Stores `size` random bytes under `key` through the service's own upload path. */
async function stored(t: Test, key: string, size: number): Promise<Buffer> {
  const bytes = randomBytes(size)
  const source = path.join(t.testdir(), `${key.replaceAll('/', '_')}.src`)
  await writeFile(source, bytes)
  await media.upload(key, source)
  return bytes
}

/** Stream sequences of an object's chunks, in order. */
async function chunkSequences(key: string): Promise<number[]> {
  const info = await store.info(key)
  const subject = `$O.${buckets.media}.C.${info?.nuid}`
  const { state } = await jsm.streams.info(stream, { subjects_filter: subject })
  const sequences: number[] = []
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null)
    if (msg?.subject === subject) sequences.push(seq)
  }
  return sequences
}

const sizes = {
  empty: 0,
  'one partial chunk': 1_000,
  'exactly one chunk': chunk,
  'four whole chunks': 4 * chunk,
  'many chunks, not a chunk multiple': 40 * chunk + 17,
}

for (const [name, size] of Object.entries(sizes)) {
  t.test(`a download of ${name} (${size} bytes) is byte-equal to the upload`, async (t) => {
    const key = `job_sizes/${size}`
    const bytes = await stored(t, key, size)
    const target = path.join(t.testdir(), 'download')
    t.equal(await media.download(key, target), size, 'the size is returned')
    t.ok((await readFile(target)).equals(bytes), 'the bytes are equal')
  })
}

t.test('a missing or deleted object is SOURCE_MISSING and leaves no file', async (t) => {
  const target = path.join(t.testdir(), 'download')
  await t.rejects(media.download('job_none/source', target), {
    code: 'SOURCE_MISSING',
    detail: 'job_none/source',
  })
  await stored(t, 'job_deleted/source', 1_000)
  await store.delete('job_deleted/source')
  await t.rejects(media.download('job_deleted/source', target), { code: 'SOURCE_MISSING' })
  t.notOk(existsSync(target))
})

t.test('chunks that do not match the digest are refused and leave no file', async (t) => {
  await stored(t, 'job_corrupt/source', 3 * chunk + 5)
  const info = await store.info('job_corrupt/source')
  // A newer metadata record naming the digest of other bytes: the chunks no longer match it.
  const name = Buffer.from('job_corrupt/source').toString('base64url')
  const meta = await jsm.streams.getMessage(stream, {
    last_by_subj: `$O.${buckets.media}.M.${name}`,
  })
  if (!meta) throw new Error('the object has no metadata record')
  const digest = `SHA-256=${randomBytes(32).toString('base64url')}=`
  await jetstream(nc).publish(meta.subject, JSON.stringify({ ...meta.json<object>(), digest }))
  t.not((await store.info('job_corrupt/source'))?.digest, info?.digest, 'the digest was forged')

  const target = path.join(t.testdir(), 'download')
  await t.rejects(media.download('job_corrupt/source', target), { message: /digest/ })
  t.notOk(existsSync(target))
})

t.test('an object that lost a chunk is refused and leaves no file', async (t) => {
  const cases = { first: 0, middle: 2, last: 4 }
  for (const [which, index] of Object.entries(cases)) {
    const key = `job_truncated/${which}`
    await stored(t, key, 5 * chunk - 100)
    const sequences = await chunkSequences(key)
    t.equal(sequences.length, 5)
    await jsm.streams.deleteMessage(stream, sequences[index] as number)

    const target = path.join(t.testdir(), `download-${which}`)
    await t.rejects(media.download(key, target), { message: /is missing/ }, `${which} chunk lost`)
    t.notOk(existsSync(target))
  }
})

t.test('a stalled file stops the reads; aborting then removes the partial file', async (t) => {
  const chunks = 128
  await stored(t, 'job_stall/source', chunks * chunk)
  // Every chunk is one direct get; a second subscriber on that subject sees each request.
  let requested = 0
  const requests = nc.subscribe(`$JS.API.DIRECT.GET.${stream}`, {
    callback: () => {
      requested++
    },
  })
  t.teardown(() => requests.unsubscribe())

  // A FIFO is a file whose writer blocks until it is read: the test decides when it drains.
  const target = path.join(t.testdir(), 'fifo')
  execFileSync('mkfifo', [target])
  const controller = new AbortController()
  const download = media.download('job_stall/source', target, controller.signal)
  const settled = download.then(
    () => null,
    (error: unknown) => error,
  )

  const reader = createReadStream(target)
  let read = 0
  let stalled = false
  reader.on('data', (data) => {
    read += data.length
    if (stalled || read < 4 * chunk) return
    stalled = true
    reader.pause()
  })
  await waitFor(() => stalled, { timeoutMs: 10_000, what: 'the first bytes' })
  await new Promise((resolve) => setTimeout(resolve, 500))

  const whileStalled = requested
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(requested, whileStalled, 'no chunk is asked for while the file takes none')
  t.ok(requested < chunks / 2, `${requested} of ${chunks} chunks asked for before the stall`)

  controller.abort('cancelled')
  reader.resume()
  t.ok(await settled, 'the download rejects')
  t.notOk(existsSync(target), 'the partial file is removed')
})
