import { readFile } from 'node:fs/promises'
import pg from 'pg'
import t from 'tap'
import { bearer, librivoxClips, type ServiceName, startStack, waitFor } from '../support/index.ts'

// Fifty real transcriptions with repeated restarts take 2–5 minutes on two loaded cores;
// the suite's 300 s default per file is too tight for that.
t.setTimeout(600_000)

const jobCount = 50
const users = Array.from({ length: 10 }, (_, index) => `user_chaos_${index}`)
const victims: ServiceName[] = ['jobs-api', 'downloader', 'transcriber', 'summarizer']

t.test('50 imports survive workers and jobs-api being SIGKILLed again and again', async (t) => {
  const stack = await startStack({
    env: { STAGE_ACK_WAIT_MS: '4000', WORKER_CONCURRENCY: '2' },
  })
  t.teardown(() => stack.stop())
  const clips = await librivoxClips()
  const recordings = await Promise.all(clips.map((clip) => readFile(clip.file)))

  let chaosRunning = true
  const kills: string[] = []
  const chaos = (async () => {
    for (let round = 0; chaosRunning; round++) {
      await sleep(2_500)
      if (!chaosRunning) break
      const victim = victims[round % victims.length] as ServiceName
      await stack.services[victim].kill('SIGKILL')
      kills.push(victim)
      await sleep(300)
      await stack.services[victim].start()
    }
  })()

  const progressSeen = new Map<string, number[]>()
  let observing = true
  const observer = (async () => {
    while (observing) {
      for (const user of users) {
        const page = await getJson(`${stack.baseUrl}/api/jobs?limit=100`, user)
        for (const job of page?.data.jobs ?? []) {
          const seen = progressSeen.get(job.id) ?? []
          if (seen.at(-1) !== job.progress) seen.push(job.progress)
          progressSeen.set(job.id, seen)
        }
      }
      await sleep(150)
    }
  })()

  const jobIds: string[] = []
  for (let index = 0; index < jobCount; index++) {
    const user = users[index % users.length] as string
    const recording = recordings[index % recordings.length] as Buffer
    jobIds.push(await uploadWithRetry(stack.baseUrl, user, recording))
  }

  const finals = new Map<string, { status: string; errorCode: string | null }>()
  await waitFor(
    async () => {
      for (const [index, jobId] of jobIds.entries()) {
        if (finals.has(jobId)) continue
        const user = users[index % users.length] as string
        const job = (await getJson(`${stack.baseUrl}/api/jobs/${jobId}`, user))?.data
        if (job && (job.status === 'COMPLETED' || job.status === 'FAILED')) finals.set(jobId, job)
      }
      return finals.size === jobIds.length
    },
    { timeoutMs: 480_000, intervalMs: 1_000, what: 'every job to reach a terminal state' },
  )
  chaosRunning = false
  observing = false
  await Promise.all([chaos, observer])
  t.ok(kills.length >= 8, `services were killed ${kills.length} times`)

  const completed = [...finals].filter(([, job]) => job.status === 'COMPLETED')
  const failed = [...finals].filter(([, job]) => job.status === 'FAILED')
  t.comment(`completed ${completed.length}, failed ${failed.length}, kills ${kills.join(' ')}`)
  for (const [jobId, job] of failed) {
    t.ok(job.errorCode, `failed job ${jobId} carries a code (${job.errorCode})`)
  }
  t.ok(completed.length >= jobCount * 0.9, 'nearly every import completed despite the kills')

  const client = new pg.Client({ connectionString: stack.database.url })
  await client.connect()
  t.teardown(() => client.end())
  const notes = await client.query<{ job_id: string; notes: string }>(
    'select job_id, count(*) as notes from notes group by job_id',
  )
  const notesByJob = new Map(notes.rows.map((row) => [row.job_id, Number(row.notes)]))
  for (const [jobId] of completed) {
    t.equal(notesByJob.get(jobId), 1, `completed job ${jobId} has exactly one note`)
  }
  for (const [jobId] of failed) t.notOk(notesByJob.has(jobId), `failed job ${jobId} has no note`)

  for (const [jobId, seen] of progressSeen) {
    const decreased = seen.some((value, index) => index > 0 && value < (seen[index - 1] as number))
    t.notOk(decreased, `observed progress of ${jobId} never decreased: ${seen.join(',')}`)
  }
})

async function uploadWithRetry(baseUrl: string, user: string, bytes: Buffer): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const form = new FormData()
    form.append('file', new Blob([bytes]), 'lecture.wav')
    try {
      const response = await fetch(`${baseUrl}/api/imports/upload`, {
        method: 'POST',
        headers: bearer(user),
        body: form,
      })
      if (response.status === 202)
        return ((await response.json()) as { data: { id: string } }).data.id
      if (response.status === 429) await sleep(500)
    } catch {
      // jobs-api is being restarted: try again, as the app would.
    }
    await sleep(200)
  }
  throw new Error('upload never accepted')
}

// biome-ignore lint/suspicious/noExplicitAny: reads fields of the API's documented shapes
async function getJson(url: string, user: string): Promise<{ data: any } | null> {
  try {
    const response = await fetch(url, { headers: bearer(user) })
    return response.ok ? ((await response.json()) as { data: unknown } as { data: never }) : null
  } catch {
    return null
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
