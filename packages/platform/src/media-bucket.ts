import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { type ObjectStore, Objm, setSha256Backend } from '@nats-io/obj'
import type { NatsConnection } from '@nats-io/transport-node'
import { buckets } from '@tella/contracts'
import { readObjectChunks } from './object-reads.ts'

export interface MediaBucket {
  store: ObjectStore
  /** For direct gets of the bucket's chunks (`readObjectChunks`). */
  jsm: JetStreamManager
}

/**
 * Opens the shared media bucket. Object digests are computed with Node's own SHA-256: the
 * client's default is a pure-JavaScript one, several times slower on the megabytes of an
 * upload (a 1 GiB store took 21–28 s with it). The setting is process-wide and every
 * process here runs on Node, so setting it at each open is harmless.
 */
export async function openMediaBucket(nc: NatsConnection): Promise<MediaBucket> {
  setSha256Backend('native')
  const [store, jsm] = await Promise.all([new Objm(nc).open(buckets.media), jetstreamManager(nc)])
  return { store, jsm }
}

/**
 * A small object (a transcript) whole, or null when there is none. Media files go to disk
 * chunk by chunk instead (`MediaObjects.download`).
 */
export async function readSmallObject(bucket: MediaBucket, key: string): Promise<Buffer | null> {
  const info = await bucket.store.info(key)
  if (!info || info.deleted) return null
  const chunks: Uint8Array[] = []
  for await (const chunk of readObjectChunks(bucket.jsm, buckets.media, info)) chunks.push(chunk)
  return Buffer.concat(chunks)
}
