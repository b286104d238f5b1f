import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { type ObjectStore, Objm, setSha256Backend } from '@nats-io/obj'
import type { NatsConnection } from '@nats-io/transport-node'
import { buckets } from '@tella/contracts'

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
