import type { JetStreamManager } from '@nats-io/jetstream'
import type { ObjectStore } from '@nats-io/obj'
import type { NatsConnection } from '@nats-io/transport-node'
import { objectKeys } from '@tella/contracts'
import { openMediaBucket, readSmallObject } from '@tella/platform'

/**
 * jobs-api's handle on the shared object store: it writes uploads, reads transcripts and
 * removes a job's objects. Keys are `<jobId>/<what>` so a job's objects are found by prefix.
 */
export class MediaStore {
  private constructor(
    readonly store: ObjectStore,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection): Promise<MediaStore> {
    const { store, jsm } = await openMediaBucket(nc)
    return new MediaStore(store, jsm)
  }

  async put(key: string, body: ReadableStream<Uint8Array>): Promise<number> {
    const info = await this.store.put({ name: key }, body)
    return info.size
  }

  async readText(key: string): Promise<string | null> {
    const bytes = await readSmallObject({ store: this.store, jsm: this.jsm }, key)
    return bytes === null ? null : bytes.toString('utf8')
  }

  /** Deletes every object a job can own; objects never written are skipped. */
  async removeJob(jobId: string): Promise<void> {
    const keys = [objectKeys.upload(jobId), objectKeys.audio(jobId), objectKeys.transcript(jobId)]
    for (const key of keys) {
      const info = await this.store.info(key)
      if (info && !info.deleted) await this.store.delete(key)
    }
  }

  async remove(key: string): Promise<void> {
    await this.store.delete(key)
  }
}
