import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { apiError, startChatServer, summaryReply } from '../../support/chat-server.ts'
import { capturedLogger, engineFor, transcriptOf } from '../../support/engine-harness.ts'

const lecture = transcriptOf(['enzymes lower the activation energy of a reaction'])
const good = summaryReply('Enzymes lower activation energy.', ['Enzymes'])
const expected = { summary: 'Enzymes lower activation energy.', keyPoints: ['Enzymes'] }

const rateLimited = { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }
const serverError = { message: 'The server had an error', type: 'server_error', code: null }

t.test('a 429 with Retry-After is waited out as asked, then the answer is used', async (t) => {
  const server = await startChatServer(t, (_request, index) =>
    index === 0 ? apiError(429, rateLimited, { 'retry-after': '1' }) : good,
  )
  const { logger, lines } = capturedLogger()

  const result = await engineFor(server).summarize(lecture, { logger })

  t.same(result, expected)
  const [first, second] = server.requests
  const waited = (second?.at ?? 0) - (first?.at ?? 0)
  t.ok(waited >= 900, `waited ${Math.round(waited)} ms for a Retry-After of 1 s`)
  t.ok(waited < 5_000, 'and not much longer')
  t.match(lines.join(''), /"waitMs":1000.*summary request failed, retrying/u, 'the retry is logged')
})

t.test('a 500 is retried after a short backoff, then the answer is used', async (t) => {
  const server = await startChatServer(t, (_request, index) =>
    index === 0 ? apiError(500, serverError) : good,
  )

  t.same(await engineFor(server).summarize(lecture, {}), expected)
  t.equal(server.requests.length, 2)
})

t.test('a connection reset before the answer is retried', async (t) => {
  const server = await startChatServer(t, (_request, index) =>
    index === 0 ? { kind: 'reset' } : good,
  )

  const { logger, lines } = capturedLogger()

  t.same(await engineFor(server).summarize(lecture, { logger }), expected)
  t.equal(server.requests.length, 2)
  t.match(lines.join(''), /"reason":"connection failed \(\w+\)"/u, 'logged as a dropped connection')
})

t.test('an answer slower than the timeout is abandoned and asked for again', async (t) => {
  const server = await startChatServer(t, (_request, index) =>
    index === 0 ? { kind: 'reply', content: '{}', delayMs: 10_000 } : good,
  )
  const startedAt = performance.now()

  const result = await engineFor(server, { timeoutMs: 300 }).summarize(lecture, {})

  t.same(result, expected)
  t.equal(server.requests.length, 2)
  const elapsed = performance.now() - startedAt
  t.ok(elapsed < 3_000, `done in ${Math.round(elapsed)} ms, not after the slow answer`)
  await server.requests[0]?.abandoned
  t.pass('the slow request was closed by the client')
})

t.test(
  'transient failures past the retry limit surface as retryable NETWORK_TIMEOUT',
  async (t) => {
    const server = await startChatServer(t, () => apiError(503, serverError))

    const error = await engineFor(server, { maxRetries: 2 })
      .summarize(lecture, {})
      .catch((caught: unknown) => caught)

    t.ok(isCodedError(error), 'a coded error')
    if (!isCodedError(error)) return
    t.equal(error.code, 'NETWORK_TIMEOUT')
    t.equal(error.retryable, true, 'the stage runner will try the stage again')
    t.match(error.detail, /HTTP 503, 3 attempts/u)
    t.equal(server.requests.length, 3, 'one request and two retries')
  },
)

t.test('a timeout on every attempt surfaces as NETWORK_TIMEOUT too', async (t) => {
  const server = await startChatServer(t, () => ({ kind: 'hang' }))

  const error = await engineFor(server, { timeoutMs: 200, maxRetries: 1 })
    .summarize(lecture, {})
    .catch((caught: unknown) => caught)

  t.ok(isCodedError(error) && error.code === 'NETWORK_TIMEOUT' && error.retryable)
  t.match(isCodedError(error) ? error.detail : '', /timed out, 2 attempts/u)
})
