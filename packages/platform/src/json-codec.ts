import { CodedError } from '@tella/contracts'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

const checkers = new WeakMap<TSchema, ReturnType<typeof Compile>>()
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Serialises a message payload as UTF-8 JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/**
 * Parses and validates a message against its schema. A message that is not JSON or breaks
 * the schema is an `INVALID_COMMAND` error: it will never succeed, so callers stop retrying.
 *
 * @example
 * const command = decodeJson(DownloadCommand, msg.data)
 */
export function decodeJson<T extends TSchema>(schema: T, data: Uint8Array): Static<T> {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(data))
  } catch (cause) {
    throw new CodedError('INVALID_COMMAND', { detail: 'payload is not JSON', cause })
  }

  let checker = checkers.get(schema)
  if (!checker) {
    checker = Compile(schema)
    checkers.set(schema, checker)
  }
  if (checker.Check(value)) return value as Static<T>

  const first = [...checker.Errors(value)][0]
  const detail = first ? `${first.instancePath || '/'} ${first.message}` : 'schema mismatch'
  throw new CodedError('INVALID_COMMAND', { detail })
}

/** Reads `jobId` and `attempt` from a payload that failed validation, when they are there. */
export function peekJobRef(data: Uint8Array): { jobId: string; attempt: number } | null {
  try {
    const value = JSON.parse(decoder.decode(data)) as Record<string, unknown>
    if (typeof value.jobId !== 'string') return null
    return { jobId: value.jobId, attempt: typeof value.attempt === 'number' ? value.attempt : 1 }
  } catch {
    return null
  }
}
