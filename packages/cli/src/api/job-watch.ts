import type { Job } from '@tella/contracts'
import { ApiError } from '../failures.ts'
import type { ApiClient } from './api-client.ts'
import { readPayload } from './api-client.ts'
import { readEvents } from './event-stream.ts'

export interface WatchOptions {
  /** Ends the wait (Ctrl-C); the promise then rejects with the signal's AbortError. */
  signal: AbortSignal
  onUpdate(job: Job): void
  /** Told why live updates stopped before the end, when polling takes over. */
  onFallback?(reason: string): void
  /** How often the polling fallback asks for the job. */
  pollMs?: number
}

export function isTerminal(job: Job): boolean {
  return job.status === 'COMPLETED' || job.status === 'FAILED'
}

/**
 * Follows a job until it is COMPLETED or FAILED and answers its final state. Live updates
 * come from `GET /api/jobs/:id/events`; when that stream cannot be opened or ends early
 * (a proxy that buffers, a server without it, a dropped connection), it polls the job.
 */
export async function watchJob(api: ApiClient, jobId: string, options: WatchOptions) {
  const streamed = await streamJob(api, jobId, options)
  if (streamed.last && isTerminal(streamed.last)) return streamed.last
  options.onFallback?.(streamed.reason)
  return pollJob(api, jobId, options)
}

/** The last state the stream sent (null when none), and why it ended early. */
async function streamJob(api: ApiClient, jobId: string, options: WatchOptions) {
  const path = `/api/jobs/${encodeURIComponent(jobId)}/events`
  let last: Job | null = null
  let reason = 'the event stream ended before the job did'
  try {
    const response = await api.open(path, {
      headers: { accept: 'text/event-stream' },
      signal: options.signal,
    })
    const type = response.headers.get('content-type') ?? ''
    if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
      // A refusal that polling would meet too (no such job, bad token) is final.
      await readPayload(response, api.url(path))
      return { last, reason: `the event stream answered HTTP ${response.status} (${type})` }
    }
    for await (const event of readEvents(response.body)) {
      last = JSON.parse(event.data) as Job
      options.onUpdate(last)
      if (isTerminal(last)) break
    }
  } catch (error) {
    if (options.signal.aborted) throw error
    if (error instanceof ApiError && error.code !== 'ROUTE_NOT_FOUND') throw error
    reason =
      error instanceof ApiError
        ? 'this jobs-api has no job event stream'
        : `the event stream failed: ${(error as Error).message}`
  }
  return { last, reason }
}

async function pollJob(api: ApiClient, jobId: string, options: WatchOptions): Promise<Job> {
  const path = `/api/jobs/${encodeURIComponent(jobId)}`
  for (;;) {
    const job = await api.call<Job>('GET', path, { signal: options.signal })
    options.onUpdate(job)
    if (isTerminal(job)) return job
    await sleep(options.pollMs ?? 1000, options.signal)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    function done() {
      signal.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', abort, { once: true })
  })
}
