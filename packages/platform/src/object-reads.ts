import { createHash } from 'node:crypto'
import type { JetStreamManager } from '@nats-io/jetstream'
import type { ObjectInfo } from '@nats-io/obj'

const sha256Prefix = 'SHA-256='

/**
 * Reads a stored object's chunks with JetStream direct gets, one request per chunk, each sent
 * only when the caller asks for the next chunk: a slow reader never has more than one chunk
 * in memory, and a small object costs two round trips (its info, then its chunk).
 *
 * Why not `ObjectStore.get()`: it creates a push consumer for every read and delivers as fast
 * as the server sends, whatever the reader keeps up with; the consumer set-up alone cost
 * 3–11 ms per one-chunk transcript or clip in bench/pipeline-overhead.ts, four times a job.
 *
 * The content is checked against the size and SHA-256 digest the writer recorded; a chunk
 * that is gone (the object was replaced or deleted meanwhile) is an error, never a short read.
 */
export async function* readObjectChunks(
  jsm: JetStreamManager,
  bucket: string,
  info: ObjectInfo,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const stream = `OBJ_${bucket}`
  const subject = `$O.${bucket}.C.${info.nuid}`
  const hash = createHash('sha256')
  let sequence = 0
  let size = 0
  for (let index = 0; index < info.chunks; index++) {
    signal?.throwIfAborted()
    const stored = await jsm.direct.getMessage(stream, { seq: sequence + 1, next_by_subj: subject })
    if (!stored) {
      throw new Error(`object ${info.name}: chunk ${index + 1} of ${info.chunks} is missing`)
    }
    sequence = stored.seq
    size += stored.data.length
    hash.update(stored.data)
    yield stored.data
  }
  if (size !== info.size) {
    throw new Error(`object ${info.name}: read ${size} bytes, ${info.size} were stored`)
  }
  if (!digestMatches(info.digest, hash.digest())) {
    throw new Error(`object ${info.name}: content does not match its SHA-256 digest`)
  }
}

/** The writer records `SHA-256=` and the digest in base64 (URL-safe or not, padded or not). */
function digestMatches(recorded: string, computed: Buffer): boolean {
  if (!recorded.startsWith(sha256Prefix)) return false
  const normalise = (text: string) =>
    text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/u, '')
  return normalise(recorded.slice(sha256Prefix.length)) === computed.toString('base64url')
}
