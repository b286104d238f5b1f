import { CodedError } from '@tella/contracts'
import { waitFor } from '@tella/test-support'
import t from 'tap'
import { delivery, workerFixture } from './worker-fixture.ts'

const summary = { summary: 'Cells divide.', keyPoints: ['Mitosis'] }

t.test('a successful stage publishes one completed event and leaves no message', async (t) => {
  const f = await workerFixture(t)
  await f.startWorker(async () => summary)
  await f.sendCommand('job_ok')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 5_000, what: 'event' })
  const [event] = await f.outcomes()
  t.match(event, { kind: 'completed', stage: 'summarize', jobId: 'job_ok', attempt: 1, ...summary })
  t.equal(await f.pendingCommands(), 0)
})

t.test('a permanent error fails the stage at once without retrying', async (t) => {
  const f = await workerFixture(t)
  let calls = 0
  await f.startWorker(async () => {
    calls++
    throw new CodedError('NO_AUDIO_TRACK')
  })
  await f.sendCommand('job_permanent')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 5_000, what: 'event' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(calls, 1)
  t.match((await f.outcomes())[0], { kind: 'failed', code: 'NO_AUDIO_TRACK' })
  await waitFor(async () => (await f.pendingCommands()) === 0, { timeoutMs: 2_000, what: 'term' })
})

t.test('a transient error is retried and the stage can still succeed', async (t) => {
  const f = await workerFixture(t)
  let calls = 0
  await f.startWorker(async () => {
    calls++
    if (calls < 3) throw new CodedError('NETWORK_TIMEOUT')
    return summary
  })
  await f.sendCommand('job_flaky')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 8_000, what: 'event' })
  t.equal(calls, 3)
  t.match((await f.outcomes())[0], { kind: 'completed' })
})

t.test('a transient error that never clears fails with its own code after the limit', async (t) => {
  const f = await workerFixture(t)
  let calls = 0
  await f.startWorker(async () => {
    calls++
    throw new CodedError('NETWORK_TIMEOUT')
  })
  await f.sendCommand('job_down')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 8_000, what: 'event' })
  t.equal(calls, delivery.maxAttempts)
  t.match((await f.outcomes())[0], { kind: 'failed', code: 'NETWORK_TIMEOUT' })
  await waitFor(async () => (await f.pendingCommands()) === 0, {
    timeoutMs: 2_000,
    what: 'the command to be terminated, not redelivered forever',
  })
})

t.test('an unexpected exception is retried, then reported as attempts exhausted', async (t) => {
  const f = await workerFixture(t)
  await f.startWorker(async () => {
    throw new TypeError('bug')
  })
  await f.sendCommand('job_bug')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 8_000, what: 'event' })
  t.match((await f.outcomes())[0], { kind: 'failed', code: 'STAGE_ATTEMPTS_EXHAUSTED' })
})

t.test('a command that is not JSON fails its job, if named, and the worker goes on', async (t) => {
  const f = await workerFixture(t)
  await f.startWorker(async () => summary)
  await f.sendCommand('job_poison', new TextEncoder().encode('{"jobId":"job_poison",'))
  await f.sendCommand('job_poison2', new TextEncoder().encode('{"jobId":"job_poison2"}'))
  await f.sendCommand('job_after')
  await waitFor(async () => (await f.outcomes()).length === 2, { timeoutMs: 5_000, what: 'events' })
  const outcomes = await f.outcomes()
  t.match(outcomes[0], { kind: 'failed', jobId: 'job_poison2', code: 'INVALID_COMMAND' })
  t.match(outcomes[1], { kind: 'completed', jobId: 'job_after' })
  await waitFor(async () => (await f.pendingCommands()) === 0, {
    timeoutMs: 2_000,
    what: 'the unreadable message to be terminated, not redelivered',
  })
})

t.test('a stage running past ack_wait keeps its lease and runs once', async (t) => {
  const f = await workerFixture(t)
  let calls = 0
  await f.startWorker(async () => {
    calls++
    await new Promise((resolve) => setTimeout(resolve, delivery.ackWaitMs * 2.5))
    return summary
  })
  const second = await f.startWorker(async () => {
    calls++
    return summary
  })
  t.ok(second)
  await f.sendCommand('job_long')
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 15_000, what: 'event' })
  t.equal(calls, 1, 'no replica received the command a second time')
})

t.test('a command whose workers died on every attempt is reported, not lost', async (t) => {
  const f = await workerFixture(t)
  await f.sendCommand('job_crashy')
  // Stand in for workers killed mid-stage: take the message and never answer.
  const consumer = await f.js.consumers.get('IMPORTS_COMMANDS', 'worker-summarize')
  for (let attempt = 1; attempt <= delivery.maxAttempts; attempt++) {
    const msg = await consumer.next({ expires: delivery.ackWaitMs * 2 })
    t.equal(msg?.info.deliveryCount, attempt)
  }
  let calls = 0
  await f.startWorker(async () => {
    calls++
    return summary
  })
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 10_000, what: 'event' })
  t.match((await f.outcomes())[0], { kind: 'failed', code: 'STAGE_ATTEMPTS_EXHAUSTED' })
  t.equal(calls, 0, 'the stage is not run again')
})

t.test('cancelling a job aborts its running stage and publishes no outcome', async (t) => {
  const f = await workerFixture(t)
  let aborted = false
  await f.startWorker(
    ({ signal }) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true
          reject(new CodedError('CANCELLED'))
        })
      }),
  )
  await f.sendCommand('job_cancel')
  await waitFor(async () => (await f.pendingCommands()) === 1, { timeoutMs: 5_000, what: 'pull' })
  await new Promise((resolve) => setTimeout(resolve, 300))
  await f.cancel('job_cancel')
  await waitFor(() => aborted, { timeoutMs: 2_000, what: 'abort' })
  await waitFor(async () => (await f.pendingCommands()) === 0, { timeoutMs: 5_000, what: 'ack' })
  t.same(await f.outcomes(), [])
})

t.test('a job cancelled before delivery: no outcome, however quick its stage', async (t) => {
  const f = await workerFixture(t)
  const runs: string[] = []
  await f.startWorker(async ({ command, signal }) => {
    runs.push(command.jobId)
    // One stage returns at once, before the cancellation is read; one waits for its signal.
    if (command.jobId === 'job_instant') return { summary: 'done', keyPoints: [] }
    return new Promise((_, reject) => {
      signal.addEventListener('abort', () => reject(new CodedError('CANCELLED')))
    })
  })
  await f.cancel('job_instant')
  await f.cancel('job_waiting')
  await f.sendCommand('job_instant')
  await f.sendCommand('job_waiting')

  await waitFor(() => runs.length === 2, { timeoutMs: 5_000, what: 'both stages to start' })
  await waitFor(async () => (await f.pendingCommands()) === 0, { timeoutMs: 5_000, what: 'ack' })
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(await f.outcomes(), [], 'neither publishes a result')
})

t.test('a worker shutting down hands its running stage to another replica', async (t) => {
  const f = await workerFixture(t)
  const first = await f.startWorker(
    ({ signal }) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  )
  await f.sendCommand('job_handover')
  await waitFor(async () => first.inFlight === 1, { timeoutMs: 5_000, what: 'first to start' })
  await first.stop(100)
  let attempt = 0
  await f.startWorker(async ({ deliveryCount }) => {
    attempt = deliveryCount
    return summary
  })
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 8_000, what: 'event' })
  t.match((await f.outcomes())[0], { kind: 'completed', jobId: 'job_handover' })
  t.equal(attempt, 1, 'the handed-back delivery did not count as an attempt')
})
