import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { JetStreamManager } from '@nats-io/jetstream'
import type { ObjectStore } from '@nats-io/obj'
import type { NatsConnection } from '@nats-io/transport-node'
import { buckets, CodedError } from '@tella/contracts'
import { openMediaBucket, readSmallObject } from './media-bucket.ts'
import { readObjectChunks } from './object-reads.ts'

/**
 * Moves large bytes between the shared object store and local files without holding them
 * in memory: workers receive keys in their commands, never bytes.
 */
export class MediaObjects {
  private constructor(
    private readonly store: ObjectStore,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection): Promise<MediaObjects> {
    const { store, jsm } = await openMediaBucket(nc)
    return new MediaObjects(store, jsm)
  }

  /**
   * Writes the object to `path`, a chunk at a time as the file takes it, so memory stays flat
   * for a lecture of any size. A missing object is SOURCE_MISSING, never retried. On any
   * failure (a missing chunk, a digest that does not match) or abort the partial file is
   * removed, so nothing that reads `path` later takes it for the whole.
   */
  async download(key: string, path: string, signal?: AbortSignal): Promise<number> {
    const info = await this.store.info(key)
    if (!info || info.deleted) throw new CodedError('SOURCE_MISSING', { detail: key })
    const chunks = Readable.from(readObjectChunks(this.jsm, buckets.media, info, signal))
    try {
      await pipeline(chunks, createWriteStream(path), { signal })
    } catch (error) {
      await rm(path, { force: true })
      throw error
    }
    return info.size
  }

  async upload(key: string, path: string): Promise<number> {
    const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>
    const info = await this.store.put({ name: key }, body)
    return info.size
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.store.putBlob({ name: key }, new TextEncoder().encode(JSON.stringify(value)))
  }

  async getJson(key: string): Promise<unknown> {
    const bytes = await readSmallObject({ store: this.store, jsm: this.jsm }, key)
    if (!bytes) throw new CodedError('SOURCE_MISSING', { detail: key })
    return JSON.parse(bytes.toString('utf8'))
  }
}
