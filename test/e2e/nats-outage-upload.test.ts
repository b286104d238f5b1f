import { openAsBlob } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { errorCatalogue } from '@tella/contracts'
import t from 'tap'
import {
  bearer,
  freezeProcess,
  librivoxClips,
  startStack,
  waitFor,
  watchJob,
} from '../support/index.ts'

const user = 'user_nats_outage'
const unavailable = {
  success: false,
  error: errorCatalogue.SERVICE_UNAVAILABLE.message,
  code: 'SERVICE_UNAVAILABLE',
}

// No yt-dlp: a YouTube import ends at once with DOWNLOAD_ENGINE_UNAVAILABLE, and nothing
// leaves this machine.
const stack = await startStack({ env: { YTDLP_PATH: '/nonexistent/yt-dlp' } })
t.teardown(() => stack.stop())
const [clip] = await librivoxClips()

async function probe(path: string): Promise<number> {
  return (await fetch(`${stack.baseUrl}${path}`).catch(() => null))?.status ?? 0
}

/** Uploads a LibriVox clip; the answer, its body and how long it took. */
async function upload() {
  const form = new FormData()
  form.append('file', await openAsBlob(clip?.file as string), 'lecture.wav')
  const started = performance.now()
  const response = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer(user),
    body: form,
  })
  const body = (await response.json()) as { data?: { id: string }; code?: string }
  return { status: response.status, body, elapsedMs: ms(started) }
}

function ms(since: number): number {
  return Math.round(performance.now() - since)
}

t.test('an upload while NATS is down answers 503 at once; after it, uploads work', async (t) => {
  t.equal(await probe('/readyz'), 200, 'ready before the outage')
  await stack.nats.kill()
  const killedAt = performance.now()
  await waitFor(async () => (await probe('/readyz')) === 503, {
    timeoutMs: 10_000,
    what: 'jobs-api readiness to fail while NATS is down',
  })
  t.comment(`/readyz answered 503 ${ms(killedAt)} ms after the kill`)

  const refused = await upload()
  t.equal(refused.status, 503, `the upload answers 503 (${refused.elapsedMs} ms)`)
  t.same(refused.body, unavailable, 'with code SERVICE_UNAVAILABLE')
  t.ok(refused.elapsedMs < 5_000, 'it answers within 5 s')
  t.equal(await probe('/healthz'), 200, 'jobs-api stays live')
  const scrapeStarted = performance.now()
  const metrics = await fetch(`${stack.baseUrl}/metrics`)
  const scraped = await metrics.text()
  t.equal(metrics.status, 200, `/metrics still answers (${ms(scrapeStarted)} ms)`)
  t.match(scraped, /^process_cpu_user_seconds_total /mu, 'with the process metrics')
  t.notMatch(scraped, /^tella_queue_depth\{/mu, 'without the queue depths read from NATS')

  // A YouTube import only writes Postgres (the job and its outbox rows): it is accepted, and
  // its command goes out once NATS is back.
  const youtube = await fetch(`${stack.baseUrl}/api/imports/youtube`, {
    method: 'POST',
    headers: { ...bearer(user), 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://youtu.be/dQw4w9WgXcQ' }),
  })
  t.equal(youtube.status, 202, 'a YouTube import is accepted during the outage')
  const youtubeJob = ((await youtube.json()) as { data: { id: string } }).data.id

  await stack.nats.restart()
  const restartedAt = performance.now()
  await waitFor(async () => (await probe('/readyz')) === 200, {
    timeoutMs: 20_000,
    what: 'jobs-api readiness to pass again after NATS came back',
  })
  t.comment(`/readyz answered 200 ${ms(restartedAt)} ms after restart`)

  const queued = await watchJob(stack.baseUrl, youtubeJob, user, 30_000)
  t.match(
    queued.at(-1),
    { status: 'FAILED', errorCode: 'DOWNLOAD_ENGINE_UNAVAILABLE' },
    'the YouTube import accepted during the outage reached the downloader after it',
  )

  const accepted = await upload()
  t.equal(accepted.status, 202, `an upload after the outage is accepted (${accepted.elapsedMs} ms)`)
  const history = await watchJob(stack.baseUrl, accepted.body.data?.id as string, user, 60_000)
  t.equal(history.at(-1)?.status, 'COMPLETED', 'and becomes a note')
})

t.test('an upload to a NATS server that stopped answering answers 503, not 500', async (t) => {
  // One keep-alive connection for both uploads, so the second one reuses the first's.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  // A frozen server keeps its socket open, so the client still counts itself connected and
  // the upload starts; the object store's request times out instead.
  const pid = stack.nats.process.pid as number
  await freezeProcess(pid)
  let frozen = true
  const thaw = () => {
    if (frozen) process.kill(pid, 'SIGCONT')
    frozen = false
  }
  t.teardown(thaw)

  const refused = await uploadOn(agent)
  t.equal(refused.status, 503, `the upload answers 503 (${refused.elapsedMs} ms)`)
  t.same(JSON.parse(refused.body), unavailable, 'with code SERVICE_UNAVAILABLE')
  t.ok(refused.elapsedMs < 15_000, 'it answers within 15 s')

  // The refused body used to stay half-read on the connection, and the next request on it
  // waited about 70 s for a reset.
  thaw()
  const accepted = await uploadOn(agent)
  t.equal(
    accepted.status,
    202,
    `the next upload on that connection is accepted (${accepted.elapsedMs} ms)`,
  )
  t.ok(accepted.elapsedMs < 5_000, 'at once')
})

/** An upload through a given agent (node:http), to control which connection carries it. */
async function uploadOn(agent: Agent) {
  const form = new FormData()
  form.append('file', await openAsBlob(clip?.file as string), 'lecture.wav')
  const encoded = new Response(form)
  const body = Buffer.from(await encoded.arrayBuffer())
  const started = performance.now()
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${stack.baseUrl}/api/imports/upload`, {
      method: 'POST',
      agent,
      headers: {
        ...bearer(user),
        'content-type': encoded.headers.get('content-type') as string,
        'content-length': body.length,
      },
    })
    request.on('response', (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
    })
    request.on('error', reject)
    request.end(body)
  })
  return { ...answer, elapsedMs: ms(started) }
}
