import { CodedError } from '@tella/contracts'
import { TransientEngineError } from '../engines/engine.ts'

export interface RetryPolicy {
  /** Tries per chunk, the first included; 1 turns retries off. */
  maxAttempts: number
  /** Wait before the first retry when the server names none; doubles with each retry. */
  baseDelayMs: number
  /** Cap of the doubling. */
  maxDelayMs: number
  /**
   * The longest `Retry-After` this runner waits out. A server that asks for more fails the
   * chunk at once, and the stage is redelivered later instead of holding a worker idle.
   */
  maxRetryAfterMs: number
}

export const noRetries: RetryPolicy = {
  maxAttempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  maxRetryAfterMs: 0,
}

export interface RetryEvent {
  attempt: number
  delayMs: number
  error: TransientEngineError
}

/**
 * Runs one chunk's work until it succeeds, fails permanently, or runs out of attempts. Only a
 * `TransientEngineError` is retried, and only this chunk: the others keep their results.
 * The server's `Retry-After` is the wait when it gave one; otherwise the wait doubles, with
 * a random part so that chunks refused together do not come back together.
 *
 * @example
 * const transcript = await withRetries(() => engine.transcribe(path, options), policy, {
 *   signal,
 *   onRetry: ({ attempt, delayMs }) => logger.warn({ attempt, delayMs }, 'chunk retried'),
 * })
 */
export async function withRetries<T>(
  work: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal | undefined; onRetry?: (event: RetryEvent) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt)
    } catch (error) {
      if (!(error instanceof TransientEngineError) || attempt >= policy.maxAttempts) throw error
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) {
        throw error
      }
      const delayMs = error.retryAfterMs ?? backoffMs(policy, attempt)
      options.onRetry?.({ attempt, delayMs, error })
      await sleep(delayMs, options.signal)
    }
  }
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}

/** Waits, or rejects with CANCELLED as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CodedError('CANCELLED'))
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(new CodedError('CANCELLED'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
