import { CodedError } from '@tella/contracts'
import t from 'tap'
import { TransientEngineError } from '../../src/engines/engine.ts'
import { type RetryEvent, withRetries } from '../../src/long-audio/chunk-retry.ts'

const policy = { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 60, maxRetryAfterMs: 500 }

function failingTimes(times: number, error: () => Error) {
  let calls = 0
  const work = async (attempt: number) => {
    calls += 1
    if (calls <= times) throw error()
    return `done on attempt ${attempt}`
  }
  return { work, calls: () => calls }
}

const serverError = () => new TransientEngineError('INTERNAL_ERROR', { detail: '503' })

t.test('a transient failure is retried until it passes', async (t) => {
  const { work, calls } = failingTimes(2, serverError)
  const events: RetryEvent[] = []

  t.equal(await withRetries(work, policy, { onRetry: (e) => events.push(e) }), 'done on attempt 3')
  t.equal(calls(), 3)
  t.same(
    events.map((event) => event.attempt),
    [1, 2],
  )
  t.ok(
    events.every((event) => event.delayMs >= 20 && event.delayMs <= 60),
    `backoff with jitter, capped: ${events.map((event) => event.delayMs)}`,
  )
})

t.test('the wait the server asked for is the wait', async (t) => {
  const asked = () => new TransientEngineError('RATE_LIMITED', { detail: '429', retryAfterMs: 150 })
  const { work } = failingTimes(1, asked)
  const started = performance.now()

  await withRetries(work, policy)

  t.ok(performance.now() - started >= 145, 'waited the 150 ms of Retry-After')
})

t.test('after the last attempt the transient error itself is thrown', async (t) => {
  const { work, calls } = failingTimes(9, serverError)

  await t.rejects(withRetries(work, policy), { code: 'INTERNAL_ERROR', detail: '503' })
  t.equal(calls(), 3)
})

t.test('a permanent error is thrown at once', async (t) => {
  const { work, calls } = failingTimes(1, () => new CodedError('PROVIDER_AUTH_FAILED'))

  await t.rejects(withRetries(work, policy), { code: 'PROVIDER_AUTH_FAILED' })
  t.equal(calls(), 1)
})

t.test('cancelling during a wait rejects with CANCELLED without waiting it out', async (t) => {
  const long = () => new TransientEngineError('RATE_LIMITED', { detail: '429', retryAfterMs: 400 })
  const { work, calls } = failingTimes(1, long)
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  const started = performance.now()

  await t.rejects(withRetries(work, policy, { signal: controller.signal }), { code: 'CANCELLED' })
  t.ok(performance.now() - started < 300, 'the 400 ms wait was cut short')
  t.equal(calls(), 1, 'no attempt after the cancel')
})
