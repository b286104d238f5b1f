import { CodedError } from '@tella/contracts'
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai'

/**
 * What a failed chat request means for the caller. Transient failures (rate limits, server
 * errors, timeouts, dropped connections) may succeed when asked again; permanent ones (a
 * refused key, a request the server will never accept) become coded errors at once, since
 * retrying them spends the provider's quota for the same answer.
 */
export type ProviderFailure =
  | { kind: 'transient'; reason: string; retryAfterMs: number | undefined; log: ProviderLog }
  | { kind: 'permanent'; error: CodedError; log: ProviderLog }

/** Fields safe to log: the API key never appears, even when a server echoes it back. */
export interface ProviderLog {
  status?: number
  providerCode?: string
  requestId?: string
  providerMessage?: string
}

/** Statuses the provider documents as "try again": timeout, conflict, rate limit, 5xx. */
const transientStatuses = new Set([408, 409, 429])

/** How servers word a request larger than the model's context (OpenAI, vLLM, llama.cpp). */
const contextOverflow =
  /context[_ ]length|context window|maximum context|too many tokens|exceeds? the context/iu

/** Provider messages are logged for operators, shortened so a huge body stays one line. */
const maxLoggedMessage = 300

/**
 * Sorts an error the `openai` SDK threw, or returns `null` when it is not a provider error
 * (a bug in this code, which the stage runner reports on its own).
 *
 * @example
 * const failure = classifyProviderError(error, apiKey)
 * if (failure?.kind === 'permanent') throw failure.error
 */
export function classifyProviderError(error: unknown, apiKey: string): ProviderFailure | null {
  if (error instanceof APIConnectionTimeoutError) {
    return { kind: 'transient', reason: 'request timed out', retryAfterMs: undefined, log: {} }
  }
  if (error instanceof APIConnectionError) {
    const reason = `connection failed (${connectionCause(error)})`
    return { kind: 'transient', reason, retryAfterMs: undefined, log: {} }
  }
  if (!(error instanceof APIError) || error.status === undefined) return null

  const status = error.status
  const log = providerLog(error, status, apiKey)
  if (transientStatuses.has(status) || status >= 500) {
    const reason = status === 429 ? 'rate limited (HTTP 429)' : `HTTP ${status}`
    return { kind: 'transient', reason, retryAfterMs: retryAfterMs(error.headers), log }
  }
  return { kind: 'permanent', error: permanentError(error, status), log }
}

function permanentError(error: APIError, status: number): CodedError {
  if (status === 401 || status === 403) {
    return new CodedError('PROVIDER_AUTH_FAILED', {
      detail: `summary provider answered HTTP ${status}; check OPENAI_SUMMARY_API_KEY`,
    })
  }
  if (contextOverflow.test(`${error.code ?? ''} ${error.message}`)) {
    return new CodedError('PROVIDER_REQUEST_REJECTED', {
      detail:
        "a summary request exceeded the model's context window; " +
        'lower OPENAI_SUMMARY_TOKEN_BUDGET',
    })
  }
  const code = error.code ? ` (${error.code})` : ''
  return new CodedError('PROVIDER_REQUEST_REJECTED', {
    detail: `summary provider answered HTTP ${status}${code}`,
  })
}

/**
 * A server that refuses a key may quote it in its message (OpenAI quotes part of it), so an
 * auth failure logs no message at all, and any other message has the key cut out.
 */
function providerLog(error: APIError, status: number, apiKey: string): ProviderLog {
  const log: ProviderLog = { status }
  if (error.code) log.providerCode = error.code
  if (error.requestID) log.requestId = error.requestID
  if (status !== 401 && status !== 403) {
    log.providerMessage = redact(error.message, apiKey).slice(0, maxLoggedMessage)
  }
  return log
}

function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]')
}

/** The system error code under the SDK's "Connection error.", e.g. ECONNRESET. */
function connectionCause(error: APIConnectionError): string {
  let cause: unknown = error.cause
  for (let depth = 0; depth < 3 && cause instanceof Error; depth += 1) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string') return code
    cause = cause.cause
  }
  return 'no answer'
}

/**
 * The wait a 429 or 503 asks for: `retry-after-ms` (OpenAI's), else `Retry-After` in seconds
 * or as an HTTP date. `undefined` when the server names none or names nonsense.
 */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(millis) && millis >= 0) return millis

  const value = headers?.get('retry-after')?.trim()
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
