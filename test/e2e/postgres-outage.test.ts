import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { consumers, errorCatalogue, streams } from '@tella/contracts'
import pg from 'pg'
import t from 'tap'
import {
  bearer,
  librivoxClips,
  startPostgresServer,
  startStack,
  waitFor,
  watchJob,
} from '../support/index.ts'
import { importRecording, uploadRecording } from '../support/recording-upload.ts'

const user = 'user_pg_outage'
const unavailable = {
  success: false,
  error: errorCatalogue.SERVICE_UNAVAILABLE.message,
  code: 'SERVICE_UNAVAILABLE',
}

t.test('a Postgres restart: 503 while it is down, then every job goes on', async (t) => {
  const postgres = await startPostgresServer()
  t.teardown(() => postgres.destroy())
  const stack = await startStack({ database: await postgres.createDatabase() })
  t.teardown(() => stack.stop())
  const nc = await connect({ servers: stack.nats.url })
  t.teardown(() => nc.close())
  const jsm = await jetstreamManager(nc)
  const api = stack.services['jobs-api']
  const apiPid = api.process.pid
  const probe = async (path: string) =>
    (await fetch(`${stack.baseUrl}${path}`).catch(() => null))?.status ?? 0
  const [clip] = await librivoxClips()
  const recording = clip?.file as string

  // The job waits in the download queue while the downloader is away, so its worker events
  // can be made to arrive during the outage.
  await stack.services.downloader.kill('SIGTERM')
  const before = await uploadRecording(stack.baseUrl, user, recording, 'Before the outage')
  await waitFor(
    async () =>
      (await jsm.consumers.info(streams.commands, consumers.worker('download'))).num_pending === 1,
    { timeoutMs: 10_000, what: 'the download command to be published' },
  )

  // Liveness is watched through the whole outage, not only sampled.
  const liveness: number[] = []
  let watching = true
  const watcher = (async () => {
    while (watching) {
      liveness.push(await probe('/healthz'))
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })()

  await postgres.stop()
  const stoppedAt = performance.now()
  await waitFor(async () => (await probe('/readyz')) === 503, {
    timeoutMs: 10_000,
    what: 'readiness to fail while Postgres is down',
  })
  t.comment(`/readyz answered 503 ${ms(stoppedAt)} ms after Postgres stopped`)
  const readiness = await (await fetch(`${stack.baseUrl}/readyz`)).json()
  t.same(readiness, { status: 'unavailable', database: false, nats: true }, 'it names Postgres')
  t.equal(await probe('/healthz'), 200, 'liveness stays 200 during the outage')

  const calls: Array<[string, string, unknown]> = [
    ['GET', '/api/jobs', undefined],
    ['GET', `/api/jobs/${before}`, undefined],
    ['GET', '/api/jobs/stats', undefined],
    ['POST', `/api/jobs/${before}/cancel`, undefined],
    ['POST', '/api/imports/youtube', { url: 'https://youtu.be/dQw4w9WgXcQ' }],
    ['GET', '/api/notes', undefined],
    ['POST', '/api/courses', { name: 'Biology' }],
  ]
  for (const [method, path, body] of calls) {
    const started = performance.now()
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { ...bearer(user), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    const elapsed = ms(started)
    t.equal(response.status, 503, `${method} ${path} answers 503 (${elapsed} ms)`)
    t.same(await response.json(), unavailable, `${method} ${path} says SERVICE_UNAVAILABLE`)
    t.ok(elapsed < 5_000, `${method} ${path} answers within 5 s`)
  }
  const metrics = await fetch(`${stack.baseUrl}/metrics`)
  const scraped = await metrics.text()
  t.equal(metrics.status, 200, '/metrics still answers')
  t.notMatch(scraped, /^tella_jobs\{/mu, 'without the job counts read from Postgres')
  t.match(scraped, /^tella_queue_depth\{/mu, 'with the queue depths read from NATS')

  const uploadStarted = performance.now()
  const refused = await uploadRecording(stack.baseUrl, user, recording, 'x').catch(String)
  t.match(refused, /upload answered 503: .*SERVICE_UNAVAILABLE/u, 'an upload answers 503')
  t.comment(`upload refused in ${ms(uploadStarted)} ms`)

  // The downloader works while Postgres is down; jobs-api cannot fold its events and naks them.
  await stack.services.downloader.start()
  let redelivered = 0
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(streams.events, consumers.jobsApi)
      redelivered = info.num_redelivered
      return redelivered >= 2 && info.num_ack_pending + info.num_pending >= 2
    },
    { timeoutMs: 30_000, what: 'the download events to be delivered again while Postgres is down' },
  )
  t.comment(`worker events delivered again (naked) during the outage: ${redelivered}`)
  t.equal(await probe('/healthz'), 200, 'still live while its folds fail')

  t.comment(`Postgres was down for ${ms(stoppedAt)} ms`)
  await postgres.start()
  const restartedAt = performance.now()
  await waitFor(async () => (await probe('/readyz')) === 200, {
    timeoutMs: 20_000,
    what: 'readiness to pass again after Postgres came back',
  })
  t.comment(`/readyz answered 200 ${ms(restartedAt)} ms after Postgres started`)
  watching = false
  await watcher
  const notLive = liveness.filter((status) => status !== 200)
  t.same(notLive, [], `/healthz answered 200 all through the outage (${liveness.length} probes)`)
  t.equal(api.process.pid, apiPid, 'jobs-api is the same process')
  t.equal(api.process.exitCode, null, 'jobs-api never exited')

  const history = await watchJob(stack.baseUrl, before, user, 60_000)
  t.equal(history.at(-1)?.status, 'COMPLETED', 'the job created before the outage completes')
  t.comment(`job from before the outage completed ${ms(restartedAt)} ms after the restart`)

  const client = new pg.Client({ connectionString: stack.database.url })
  await client.connect()
  t.teardown(() => client.end())
  const notes = await client.query('select id from notes where job_id = $1', [before])
  t.equal(notes.rowCount, 1, 'it has exactly one note')

  await waitFor(
    async () => {
      const listening = await client.query(
        `select 1 from pg_stat_activity
           where datname = current_database() and query ilike 'LISTEN%'`,
      )
      return (listening.rowCount ?? 0) > 0
    },
    { timeoutMs: 10_000, what: 'the outbox relay to LISTEN again' },
  )
  t.pass('the outbox relay LISTENs on the new server')

  const after = await importRecording(stack.baseUrl, user, recording, 'After the outage', 60_000)
  t.equal(after.history.at(-1)?.status, 'COMPLETED', 'an import after the restart completes')
})

function ms(since: number): number {
  return Math.round(performance.now() - since)
}
