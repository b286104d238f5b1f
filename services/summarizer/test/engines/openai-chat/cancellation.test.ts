import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { apiError, startChatServer } from '../../support/chat-server.ts'
import { engineFor, transcriptOf } from '../../support/engine-harness.ts'

const lecture = transcriptOf(['the krebs cycle runs in the mitochondrial matrix'])

t.test('cancelling mid-request closes the connection and rejects with CANCELLED', async (t) => {
  const server = await startChatServer(t, () => ({ kind: 'hang' }))
  const controller = new AbortController()

  const summarizing = engineFor(server).summarize(lecture, { signal: controller.signal })
  const outcome = summarizing.catch((caught: unknown) => caught)
  await server.received(1)
  const cancelledAt = performance.now()
  controller.abort('cancelled')
  const error = await outcome

  t.ok(isCodedError(error) && error.code === 'CANCELLED', 'rejects with CANCELLED')
  t.ok(performance.now() - cancelledAt < 1_000, 'at once')
  await server.requests[0]?.abandoned
  t.pass('the request in flight was closed')
  t.equal(server.requests.length, 1, 'and not sent again')
})

t.test('cancelling while a Retry-After is waited out ends the wait', async (t) => {
  const server = await startChatServer(t, () =>
    apiError(429, { message: 'slow down', type: 'requests', code: null }, { 'retry-after': '20' }),
  )
  const controller = new AbortController()

  const outcome = engineFor(server)
    .summarize(lecture, { signal: controller.signal })
    .catch((caught: unknown) => caught)
  await server.received(1)
  setTimeout(() => controller.abort('cancelled'), 100)
  const startedAt = performance.now()
  const error = await outcome

  t.ok(isCodedError(error) && error.code === 'CANCELLED')
  t.ok(performance.now() - startedAt < 2_000, 'long before the 20 s wait')
  t.equal(server.requests.length, 1)
})

t.test('a signal aborted before the start sends nothing', async (t) => {
  const server = await startChatServer(t, () => ({ kind: 'hang' }))

  const error = await engineFor(server)
    .summarize(lecture, { signal: AbortSignal.abort('cancelled') })
    .catch((caught: unknown) => caught)

  t.ok(isCodedError(error) && error.code === 'CANCELLED')
  t.equal(server.requests.length, 0)
})
