import { loadavg } from 'node:os'
import autocannon from 'autocannon'

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number
  p50: number
  p99: number
  requests: number
  /** Answers that were not 2xx, plus errors and timeouts: must be 0 for the figures to count. */
  failures: number
}

export interface LoadOptions {
  connections: number
  /** Seconds; every run is bounded by it. */
  duration: number
  /** Called for each request: the path and headers to send. */
  next(): { path: string; headers: Record<string, string> }
}

/**
 * Drives one loopback URL with autocannon for a fixed time and a fixed number of connections.
 *
 * @example
 * const result = await load('http://127.0.0.1:3000', { connections: 20, duration: 5,
 *   next: () => ({ path: '/api/jobs', headers: bearer(user) }) })
 */
export async function load(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.duration,
    requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  }
}

/** Picks items in turn, so every run sees the same mix. */
export function rotation<T>(items: readonly T[]): () => T {
  let index = 0
  return () => items[index++ % items.length] as T
}

export function pad(value: string | number, width: number): string {
  const text = String(value)
  return text.length >= width ? text : ' '.repeat(width - text.length) + text
}

/** The 1, 5 and 15 minute load averages, for the record of how quiet the machine was. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
}
