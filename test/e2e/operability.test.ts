import { readFile } from 'node:fs/promises'
import t from 'tap'
import {
  bearer,
  librivoxClips,
  type ServiceName,
  startStack,
  waitFor,
  watchJob,
} from '../support/index.ts'

const services: ServiceName[] = ['jobs-api', 'downloader', 'transcriber', 'summarizer']

t.test('probes follow a NATS outage and the pipeline works again after it', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  const status = async (service: ServiceName, path: string) =>
    (await fetch(`${stack.healthUrls[service]}${path}`).catch(() => null))?.status ?? 0

  for (const service of services) {
    t.equal(await status(service, '/healthz'), 200, `${service} is live`)
    t.equal(await status(service, '/readyz'), 200, `${service} is ready`)
  }

  await stack.nats.kill()
  for (const service of services) {
    await waitFor(async () => (await status(service, '/readyz')) === 503, {
      timeoutMs: 10_000,
      what: `${service} to report not ready while NATS is down`,
    })
    t.equal(await status(service, '/healthz'), 200, `${service} stays live during the outage`)
  }

  await stack.nats.restart()
  for (const service of services) {
    await waitFor(async () => (await status(service, '/readyz')) === 200, {
      timeoutMs: 20_000,
      what: `${service} to be ready again after NATS came back`,
    })
  }

  const [clip] = await librivoxClips()
  const form = new FormData()
  form.append('file', new Blob([await readFile(clip?.file as string)]), 'after-outage.wav')
  const response = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer('user_ops'),
    body: form,
  })
  const jobId = ((await response.json()) as { data: { id: string } }).data.id
  const history = await watchJob(stack.baseUrl, jobId, 'user_ops', 60_000)
  t.equal(history.at(-1)?.status, 'COMPLETED', 'an import after the outage completes')
})

t.test('metrics describe jobs, queues and stage runs in Prometheus format', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  const [clip] = await librivoxClips()
  const form = new FormData()
  form.append('file', new Blob([await readFile(clip?.file as string)]), 'metrics.wav')
  const response = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer('user_metrics'),
    body: form,
  })
  const jobId = ((await response.json()) as { data: { id: string } }).data.id
  await watchJob(stack.baseUrl, jobId, 'user_metrics', 60_000)

  const api = await (await fetch(`${stack.healthUrls['jobs-api']}/metrics`)).text()
  t.match(api, /tella_jobs\{status="COMPLETED"\} 1/)
  t.match(api, /tella_queue_depth\{consumer="worker-transcribe",state="pending"\} 0/)
  t.match(api, /tella_events_folded_total\{kind="completed",outcome="applied"\} 3/)
  const transcriber = await (await fetch(`${stack.healthUrls.transcriber}/metrics`)).text()
  t.match(transcriber, /tella_stage_runs_total\{stage="transcribe",outcome="completed"\} 1/)
  t.match(
    transcriber,
    /tella_stage_duration_seconds_count\{stage="transcribe",outcome="completed"\} 1/,
  )
})

t.test('SIGTERM stops every service promptly with exit code 0', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  for (const service of services) {
    const started = Date.now()
    const exited = new Promise<number | null>((resolve) =>
      stack.services[service].process.once('exit', (code) => resolve(code)),
    )
    await stack.services[service].kill('SIGTERM')
    t.equal(await exited, 0, `${service} exits cleanly`)
    t.ok(Date.now() - started < 5_000, `${service} exits within 5 s of SIGTERM`)
  }
})
