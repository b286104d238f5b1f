import { createReadStream, createWriteStream } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type ObjectStore, Objm } from '@nats-io/obj'
import type { NatsConnection } from '@nats-io/transport-node'
import { buckets, CodedError } from '@tella/contracts'

/**
 * Moves large bytes between the shared object store and local files without holding them
 * in memory: workers receive keys in their commands, never bytes.
 */
export class MediaObjects {
  private constructor(private readonly store: ObjectStore) {}

  static async open(nc: NatsConnection): Promise<MediaObjects> {
    return new MediaObjects(await new Objm(nc).open(buckets.media))
  }

  /** Writes the object to `path`; a missing object is SOURCE_MISSING, never retried. */
  async download(key: string, path: string, signal?: AbortSignal): Promise<number> {
    const result = await this.store.get(key)
    if (!result) throw new CodedError('SOURCE_MISSING', { detail: key })
    const source = Readable.fromWeb(result.data as import('node:stream/web').ReadableStream)
    await pipeline(source, createWriteStream(path), { signal })
    const error = await result.error
    if (error) throw error
    return result.info.size
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
    const result = await this.store.get(key)
    if (!result) throw new CodedError('SOURCE_MISSING', { detail: key })
    const chunks: Uint8Array[] = []
    await pipeline(
      Readable.fromWeb(result.data as import('node:stream/web').ReadableStream),
      new Writable({
        write(chunk, _encoding, done) {
          chunks.push(chunk)
          done()
        },
      }),
    )
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  }
}
