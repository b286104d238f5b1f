import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { jetstream } from '@nats-io/jetstream'
import { subjects } from '@tella/contracts'
import { connectNats, encodeJson, ensureTopology, MediaObjects } from '@tella/platform'
import {
  freePort,
  pauseLines,
  serviceProcess,
  stageOutcomes,
  stageQueue,
  startNatsServer,
  waitFor,
  workerReadiness,
} from '@tella/test-support'
import t from 'tap'
import { durationOf, librivoxFiles } from './support/audio.ts'

/**
 * A transcriber whose speech engine is missing must not take work: readiness says why, one
 * error line is logged, the command stays in the queue with no attempt counted, and the
 * engine appearing later (a fixed mount) lets it take the command without a restart.
 */
const nats = await startNatsServer()
const nc = await connectNats({ url: nats.url, name: 'missing-engine-test' })
t.teardown(async () => {
  await nc.close()
  await nats.stop()
})
await ensureTopology(nc)
const js = jetstream(nc)
const queue = () => stageQueue(nc, 'transcribe')
const outcomes = () => stageOutcomes(nc)

t.test('a missing pocketsphinx keeps the command queued until the engine appears', async (t) => {
  const audio = librivoxFiles[0] as string
  const media = await MediaObjects.open(nc)
  await media.upload('job_engine/audio.wav', audio)
  const command = {
    jobId: 'job_engine',
    userId: 'user_engine',
    attempt: 1,
    audioKey: 'job_engine/audio.wav',
    durationSec: await durationOf(audio),
  }
  await js.publish(subjects.command('transcribe'), encodeJson(command))

  const engine = join(t.testdir(), 'mount', 'pocketsphinx_continuous')
  const port = await freePort()
  const transcriber = serviceProcess('transcriber', {
    NATS_URL: nats.url,
    HEALTH_PORT: String(port),
    POCKETSPHINX_PATH: engine,
    POCKETSPHINX_CONCURRENCY: '1',
    TOOL_CHECK_INTERVAL_MS: '500',
  })
  t.teardown(() => transcriber.kill('SIGKILL'))
  await transcriber.start()

  const ready = await workerReadiness(port)
  t.equal(ready.status, 503, 'not ready')
  t.match(ready.body, {
    status: 'unavailable',
    reasons: [/POCKETSPHINX_PATH=.* not an executable/],
  })
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  t.match(metrics, /tella_stage_prerequisites_ok\{stage="transcribe"\} 0/)

  // Several checks run in this time; none takes the command or logs again.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  t.same(await queue(), { pending: 1, taken: 0, delivered: 0 }, 'the command is untouched')
  t.equal(pauseLines(transcriber.logs), 1, 'one error line, not one per check')

  await mkdir(join(engine, '..'))
  await symlink('/usr/bin/pocketsphinx_continuous', engine)
  await waitFor(async () => (await workerReadiness(port)).status === 200, {
    timeoutMs: 10_000,
    what: 'readiness once the engine is there',
  })
  await waitFor(async () => (await outcomes()).length === 1, {
    timeoutMs: 60_000,
    what: 'the transcription to complete',
  })
  t.match((await outcomes())[0], { kind: 'completed', jobId: 'job_engine', attempt: 1 })
  t.same(await queue(), { pending: 0, taken: 0, delivered: 1 }, 'delivered once, no retry')
  t.match(transcriber.logs, /stage resumed/)
})
