import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { type ObjectInfo, Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { startNatsServer } from '@tella/test-support'
import t, { type Test } from 'tap'
import { readObjectChunks } from '../src/object-reads.ts'

const bucket = 'reads'
const chunkSize = 1024

async function fixture(t: Test) {
  const server = await startNatsServer()
  const nc = await connect({ servers: server.url })
  t.teardown(async () => {
    await nc.close()
    await server.stop()
  })
  const store = await new Objm(nc).create(bucket)
  const jsm = await jetstreamManager(nc)
  const put = async (name: string, bytes: Uint8Array) =>
    store.putBlob({ name, options: { max_chunk_size: chunkSize } }, bytes)
  const read = async (info: ObjectInfo | null, signal?: AbortSignal) => {
    if (!info) throw new Error('no info')
    const chunks: Uint8Array[] = []
    for await (const chunk of readObjectChunks(jsm, bucket, info, signal)) chunks.push(chunk)
    return { bytes: Buffer.concat(chunks), chunks: chunks.length }
  }
  return { store, jsm, put, read }
}

t.test('an object reads back byte for byte whatever its size', async (t) => {
  const f = await fixture(t)
  const sizes = [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, chunkSize * 7 + 13]
  for (const size of sizes) {
    const bytes = randomBytes(size)
    await f.put(`object-${size}`, bytes)
    const { bytes: read, chunks } = await f.read(await f.store.info(`object-${size}`))
    t.ok(read.equals(bytes), `${size} bytes read back`)
    t.equal(chunks, Math.ceil(size / chunkSize), `${size} bytes came as one chunk per request`)
  }
})

t.test('chunks of objects written at the same time are not mixed up', async (t) => {
  const f = await fixture(t)
  const contents = Array.from({ length: 4 }, () => randomBytes(chunkSize * 5 + 100))
  // Concurrent writers interleave their chunks in the stream; each read must skip the others'.
  await Promise.all(contents.map((bytes, index) => f.put(`parallel-${index}`, bytes)))
  for (const [index, bytes] of contents.entries()) {
    const { bytes: read } = await f.read(await f.store.info(`parallel-${index}`))
    t.ok(read.equals(bytes), `object ${index} intact`)
  }
})

t.test('a replaced object is read as its new content', async (t) => {
  const f = await fixture(t)
  await f.put('replaced', randomBytes(chunkSize * 3))
  const fresh = randomBytes(chunkSize * 2 + 5)
  await f.put('replaced', fresh)
  const { bytes } = await f.read(await f.store.info('replaced'))
  t.ok(bytes.equals(fresh))
})

t.test('a chunk gone from the stream is an error, not a short read', async (t) => {
  const f = await fixture(t)
  await f.put('purged', randomBytes(chunkSize * 3))
  const info = (await f.store.info('purged')) as ObjectInfo
  await f.jsm.streams.purge(`OBJ_${bucket}`, { filter: `$O.${bucket}.C.${info.nuid}` })
  await t.rejects(f.read(info), /chunk 1 of 3 is missing/)
})

t.test('content that does not match the recorded size or digest is refused', async (t) => {
  const f = await fixture(t)
  await f.put('checked', randomBytes(chunkSize * 2))
  const info = (await f.store.info('checked')) as ObjectInfo
  // The store's info is a class with getters: a plain copy with one field changed.
  const altered = (change: Partial<ObjectInfo>) =>
    ({
      name: info.name,
      nuid: info.nuid,
      chunks: info.chunks,
      size: info.size,
      digest: info.digest,
      ...change,
    }) as ObjectInfo
  const otherDigest = `SHA-256=${randomBytes(32).toString('base64url')}=`
  await t.rejects(f.read(altered({ digest: otherDigest })), /does not match its SHA-256 digest/)
  const unknownDigest = `MD5=${randomBytes(16).toString('base64')}`
  await t.rejects(f.read(altered({ digest: unknownDigest })), /digest/)
  await t.rejects(f.read(altered({ size: info.size + 1 })), /read 2048 bytes/)
  const intact = await f.read(altered({}))
  t.equal(intact.bytes.length, chunkSize * 2, 'the unaltered copy reads')
})

t.test('an aborted read stops before asking for the next chunk', async (t) => {
  const f = await fixture(t)
  await f.put('aborted', randomBytes(chunkSize * 4))
  const info = (await f.store.info('aborted')) as ObjectInfo
  const controller = new AbortController()
  let seen = 0
  const reading = (async () => {
    for await (const _chunk of readObjectChunks(f.jsm, bucket, info, controller.signal)) {
      seen++
      if (seen === 2) controller.abort(new Error('cancelled by test'))
    }
  })()
  await t.rejects(reading, /cancelled by test/)
  t.equal(seen, 2)
})
