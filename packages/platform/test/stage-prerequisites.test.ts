import { waitFor } from '@tella/test-support'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { PrerequisiteWatch, ToolUnavailableError } from '../src/index.ts'
import { workerFixture } from './worker-fixture.ts'

const summary = { summary: 'Cells divide.', keyPoints: ['Mitosis'] }

/** A watch over one stand-in tool whose presence the test switches. */
async function toolWatch(t: Test, present: boolean) {
  const tool = { present }
  const watch = await PrerequisiteWatch.start({
    prerequisites: [
      { name: 'engine', check: () => (tool.present ? undefined : 'engine: /opt/engine missing') },
    ],
    intervalMs: 200,
    logger: pino({ level: 'silent' }),
    stage: 'summarize',
  })
  t.teardown(() => watch.stop())
  return { tool, watch }
}

t.test('a worker whose tools are missing takes nothing until a check passes', async (t) => {
  const f = await workerFixture(t)
  const { tool, watch } = await toolWatch(t, false)
  t.same(watch.reasons, ['engine: /opt/engine missing'])
  const attempts: number[] = []
  await f.startWorker(async ({ deliveryCount }) => {
    attempts.push(deliveryCount)
    return summary
  }, watch)
  await f.sendCommand('job_waits')
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  t.same(await f.queue(), { pending: 1, taken: 0, delivered: 0, redelivered: 0 }, 'untouched')

  tool.present = true
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 5_000, what: 'event' })
  t.match((await f.outcomes())[0], { kind: 'completed', jobId: 'job_waits' })
  t.same(attempts, [1], 'run once, as its first attempt')
})

t.test('a tool that fails to start hands the stage back, uncounted, and pauses', async (t) => {
  const f = await workerFixture(t)
  const { tool, watch } = await toolWatch(t, true)
  const attempts: number[] = []
  await f.startWorker(async ({ deliveryCount }) => {
    attempts.push(deliveryCount)
    if (attempts.length === 1) {
      // The mount vanished after the last check passed: the spawn is the first to notice.
      tool.present = false
      throw new ToolUnavailableError('engine', '/opt/engine could not be started (ENOENT)')
    }
    return summary
  }, watch)
  await f.sendCommand('job_vanish')
  await waitFor(() => attempts.length === 1, { timeoutMs: 5_000, what: 'the first run' })
  await waitFor(async () => (await f.queue()).pending === 1, { timeoutMs: 5_000, what: 'back' })
  t.notOk(watch.ready, 'the worker is paused')
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  t.equal(attempts.length, 1, 'nothing was taken while the tool was missing')
  t.same(await f.outcomes(), [], 'no failure was reported')

  tool.present = true
  await waitFor(async () => (await f.outcomes()).length === 1, { timeoutMs: 5_000, what: 'event' })
  t.match((await f.outcomes())[0], { kind: 'completed', jobId: 'job_vanish', attempt: 1 })
  t.same(attempts, [1, 1], 'the handed-back run did not count as an attempt')
})
