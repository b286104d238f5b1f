import { readFile } from 'node:fs/promises'
import { subjects } from '@tella/contracts'
import { connectNats } from '@tella/platform'
import { bearer } from '@tella/test-support'

export interface FinishedJob {
  id: string
  status: string
  errorCode: string | null
  createdAt: string
  completedAt: string | null
  updatedAt: string
}

export interface BatchOptions {
  baseUrl: string
  natsUrl: string
  clip: string
  jobs: number
  /** Imports between creation and a terminal status at any moment (closed loop). */
  inFlight: number
  /** Users the imports are spread over. */
  users: number
  /** Gives up after this long; every run is bounded. */
  timeoutMs: number
}

/**
 * Uploads `jobs` imports of the clip, keeping `inFlight` of them unfinished at any time, and
 * resolves with each job as its lifecycle event reported it at the end: the view of an event
 * subscriber, which is what "done" means to the product.
 */
export async function runBatch(options: BatchOptions): Promise<FinishedJob[]> {
  const clip = new Blob([await readFile(options.clip)], { type: 'audio/wav' })
  const nc = await connectNats({ url: options.natsUrl, name: 'bench-batch' })
  const waiting = new Map<string, (job: FinishedJob) => void>()
  const early = new Map<string, FinishedJob>()
  const decoder = new TextDecoder()
  for (const type of ['completed', 'failed'] as const) {
    nc.subscribe(subjects.lifecycleWildcard.replace('>', `${type}.>`), {
      callback: (_error, msg) => {
        const job = (JSON.parse(decoder.decode(msg.data)) as { job: FinishedJob }).job
        const resolve = waiting.get(job.id)
        if (resolve) resolve(job)
        else early.set(job.id, job)
      },
    })
  }
  await nc.flush()

  const finished: FinishedJob[] = []
  let next = 0
  const deadline = Date.now() + options.timeoutMs
  const lane = async () => {
    while (next < options.jobs) {
      if (Date.now() > deadline) throw new Error(`batch not done in ${options.timeoutMs} ms`)
      const index = next++
      const id = await upload(options.baseUrl, clip, `bench_user_${index % options.users}`)
      const done = early.get(id) ?? (await waitFor(id))
      finished.push(done)
    }
  }
  const waitFor = (id: string) =>
    new Promise<FinishedJob>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`job ${id} not finished`)),
        deadline - Date.now(),
      )
      waiting.set(id, (job) => {
        clearTimeout(timer)
        waiting.delete(id)
        resolve(job)
      })
    })
  try {
    await Promise.all(Array.from({ length: options.inFlight }, lane))
  } finally {
    await nc.close()
  }
  return finished
}

async function upload(baseUrl: string, clip: Blob, userId: string): Promise<string> {
  const form = new FormData()
  form.append('file', clip, 'lecture.wav')
  const response = await fetch(`${baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer(userId),
    body: form,
  })
  if (response.status !== 202) {
    throw new Error(`upload answered ${response.status}: ${await response.text()}`)
  }
  return ((await response.json()) as { data: { id: string } }).data.id
}
