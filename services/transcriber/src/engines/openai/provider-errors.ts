import { CodedError } from '@tella/contracts'
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai'
import { TransientEngineError } from '../engine.ts'

/** Longest provider message kept in an error's detail; bodies can be whole HTML pages. */
const maxMessageChars = 300

/**
 * Turns what the SDK threw into the error the chunk runner acts on: a `TransientEngineError`
 * for what may pass on another try (429, 408, 5xx, timeouts, dropped connections), a
 * permanent `CodedError` for what needs an operator (401/403 key, 400/404/413/422 request).
 * Errors that are not the SDK's are returned unchanged.
 *
 * The key is cut out of every detail: some servers echo a masked or even a whole key in their
 * 401 message, and details end up in logs and in the job's `errorMessage`.
 *
 * @example
 * try { await client.audio.transcriptions.create(...) }
 * catch (error) { throw providerError(error, apiKey) }
 */
export function providerError(error: unknown, apiKey: string): unknown {
  if (error instanceof APIConnectionTimeoutError) {
    return new TransientEngineError('NETWORK_TIMEOUT', {
      detail: 'the speech provider did not answer within the request timeout',
    })
  }
  if (error instanceof APIConnectionError) {
    const reason = connectionReason(error)
    return new TransientEngineError('INTERNAL_ERROR', {
      detail: redact(`the speech provider could not be reached: ${reason}`, apiKey),
    })
  }
  if (!(error instanceof APIError) || error.status === undefined) return error

  const detail = redact(`speech provider answered ${describe(error)}`, apiKey)
  const { status } = error
  if (status === 429 && error.code === 'insufficient_quota') {
    // A quota, not a rate: waiting does not refill it.
    return new CodedError('PROVIDER_REQUEST_REJECTED', { detail })
  }
  if (status === 429) {
    return new TransientEngineError('RATE_LIMITED', { detail, retryAfterMs: retryAfter(error) })
  }
  if (status === 408) return new TransientEngineError('NETWORK_TIMEOUT', { detail })
  if (status >= 500) {
    return new TransientEngineError('INTERNAL_ERROR', { detail, retryAfterMs: retryAfter(error) })
  }
  if (status === 401 || status === 403) return new CodedError('PROVIDER_AUTH_FAILED', { detail })
  if (status === 413) {
    const hint = '; lower OPENAI_TRANSCRIBE_MAX_CHUNK_BYTES below the provider limit'
    return new CodedError('PROVIDER_REQUEST_REJECTED', { detail: `${detail}${hint}` })
  }
  return new CodedError('PROVIDER_REQUEST_REJECTED', { detail })
}

/** True for the 400 a model gives when it has no segment timestamps (`verbose_json`). */
export function refusesVerboseJson(error: unknown): boolean {
  if (!(error instanceof APIError) || error.status !== 400) return false
  const said = `${error.param ?? ''} ${error.message}`
  return /response_format|verbose_json|timestamp/iu.test(said)
}

/**
 * The wait a server asked for: `retry-after-ms` (OpenAI's own), else `Retry-After` in
 * seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfter(error: APIError): number | undefined {
  const headers = error.headers
  if (!headers) return undefined

  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds

  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function describe(error: APIError): string {
  const message = error.message.replace(/\s+/gu, ' ').slice(0, maxMessageChars)
  return error.code ? `${message} (code ${error.code})` : message
}

function connectionReason(error: APIConnectionError): string {
  const cause = error.cause as (Error & { code?: string; cause?: { code?: string } }) | undefined
  return cause?.cause?.code ?? cause?.code ?? cause?.message ?? error.message
}

/** Replaces the key, and anything shaped like an OpenAI key, with a marker. */
export function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text
  return withoutKey.replace(/\bsk-[A-Za-z0-9_*.-]{4,}/gu, 'sk-[redacted]')
}
