import { bearer } from './tokens.ts'

export interface ObservedJob {
  id: string
  status: string
  progress: number
  stage: string
  noteId: string | null
  errorCode: string | null
  errorMessage: string | null
  completedAt: string | null
}

/**
 * Polls a job over HTTP, as the app's progress bar does, until it is terminal. Returns every
 * distinct state seen, so tests can check the path it took.
 */
export async function watchJob(
  baseUrl: string,
  jobId: string,
  userId: string,
  timeoutMs: number,
  intervalMs = 100,
): Promise<ObservedJob[]> {
  const seen: ObservedJob[] = []
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/api/jobs/${jobId}`, { headers: bearer(userId) })
    if (response.status !== 200) throw new Error(`GET job answered ${response.status}`)
    const job = ((await response.json()) as { data: ObservedJob }).data
    const last = seen.at(-1)
    if (!last || last.status !== job.status || last.progress !== job.progress) seen.push(job)
    if (job.status === 'COMPLETED' || job.status === 'FAILED') return seen
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`job ${jobId} not terminal after ${timeoutMs} ms: ${JSON.stringify(seen.at(-1))}`)
}
