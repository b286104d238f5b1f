import { ApiError, UnreachableError } from '../failures.ts'

const requestTimeoutMs = 30_000

interface Payload {
  success?: unknown
  data?: unknown
  message?: unknown
  error?: unknown
  code?: unknown
}

/**
 * The Jobs API over fetch: bearer token, the `{ success, data }` envelope unwrapped, error
 * bodies turned into `ApiError`, and a socket that does not answer into `UnreachableError`.
 *
 * @example
 * const api = new ApiClient('http://127.0.0.1:3000', token)
 * const job = await api.call<Job>('GET', '/api/jobs/job_abc')
 */
export class ApiClient {
  readonly baseUrl: string
  readonly #token: string

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl
    this.#token = token
  }

  /** A JSON request; answers `data` (or the whole payload when there is none). */
  async call<T>(
    method: string,
    path: string,
    options: { body?: FormData | object; timeoutMs?: number | null; signal?: AbortSignal } = {},
  ): Promise<T> {
    const { body } = options
    const init: RequestInit = { method }
    if (body instanceof FormData) init.body = body
    else if (body !== undefined) {
      init.body = JSON.stringify(body)
      init.headers = { 'content-type': 'application/json' }
    }
    const timeoutMs = options.timeoutMs === undefined ? requestTimeoutMs : options.timeoutMs
    const signals = [
      options.signal,
      timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs),
    ]
    const active = signals.filter((signal) => signal !== undefined)
    if (active.length > 0) init.signal = AbortSignal.any(active)

    const response = await this.open(path, init)
    try {
      const payload = await readPayload(response, this.url(path))
      return (payload.data ?? payload) as T
    } catch (error) {
      // The body can fail too: a connection cut or a timeout halfway through the answer.
      if (error instanceof ApiError || error instanceof UnreachableError) throw error
      throw this.unreachable(error)
    }
  }

  /**
   * The raw response of one request, for bodies that are not JSON (event streams,
   * transcripts). Only the network failure is handled here.
   */
  async open(path: string, init: RequestInit = {}): Promise<Response> {
    const url = this.url(path)
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${this.#token}`)
    try {
      return await fetch(url, { ...init, headers })
    } catch (error) {
      throw this.unreachable(error)
    }
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`
  }

  unreachable(error: unknown): Error {
    const name = (error as { name?: unknown } | null)?.name
    if (name === 'AbortError') return error as Error
    if (name === 'TimeoutError') {
      return new UnreachableError(this.baseUrl, `${this.baseUrl} did not answer in time`, {
        cause: error,
      })
    }
    const reason = networkReason(error)
    return new UnreachableError(
      this.baseUrl,
      `cannot reach ${this.baseUrl}: is jobs-api running?${reason ? ` (${reason})` : ''}`,
      { cause: error },
    )
  }
}

/** The body of an answer: the payload on success, `ApiError` for an error body. */
export async function readPayload(response: Response, url: string): Promise<Payload> {
  const text = await response.text()
  let payload: Payload | null = null
  try {
    payload = JSON.parse(text) as Payload
  } catch {
    payload = null
  }
  if (payload?.success === false && typeof payload.code === 'string') {
    const message = typeof payload.error === 'string' ? payload.error : payload.code
    throw new ApiError(payload.code, message, response.status)
  }
  if (payload?.success !== true) {
    throw new UnreachableError(
      url,
      `${url} answered HTTP ${response.status} with something other than the Jobs API: ` +
        'does TELLA_API_URL point at jobs-api?',
    )
  }
  return payload
}

/** ECONNREFUSED and friends, from fetch's `cause` (an AggregateError for dual-stack hosts). */
function networkReason(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause as
    | { code?: unknown; errors?: Array<{ code?: unknown }>; message?: unknown }
    | undefined
  if (typeof cause?.code === 'string') return cause.code
  const inner = cause?.errors?.find((item) => typeof item.code === 'string')
  if (inner) return String(inner.code)
  return typeof cause?.message === 'string' ? cause.message : undefined
}
