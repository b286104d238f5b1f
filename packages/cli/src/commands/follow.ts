import type { Job, NoteDetail } from '@tella/contracts'
import type { ApiClient } from '../api/api-client.ts'
import { watchJob } from '../api/job-watch.ts'
import { exitCodes, InterruptedError, JobFailedError } from '../failures.ts'
import { printNoteHead } from '../output/note-view.ts'
import type { Output } from '../output/output.ts'
import { progressView } from '../output/progress.ts'

/**
 * Shows a job's progress until it ends, then prints its note. Ctrl-C stops the wait, not
 * the job: the message says how to follow or cancel it.
 */
export async function followJob(api: ApiClient, output: Output, job: Job): Promise<number> {
  const view = progressView(output)
  const interrupt = new AbortController()
  const onInterrupt = () => interrupt.abort()
  process.once('SIGINT', onInterrupt)

  let final: Job
  try {
    view.update(job)
    final = await watchJob(api, job.id, {
      signal: interrupt.signal,
      onUpdate: view.update,
      onFallback: (reason) => {
        view.finish()
        output.err(`note: no live updates (${reason}); polling instead`)
      },
    })
  } catch (error) {
    if (!interrupt.signal.aborted) throw error
    view.finish()
    throw new InterruptedError(
      `stopped waiting; job ${job.id} keeps running.\n` +
        `  follow it: tella show ${job.id}\n  cancel it: tella cancel ${job.id}`,
    )
  } finally {
    process.off('SIGINT', onInterrupt)
    view.finish()
  }

  if (final.status === 'FAILED') throw new JobFailedError(final)
  if (!final.noteId) {
    output.out(`Job ${final.id} completed.`)
    return exitCodes.ok
  }
  const note = await api.call<NoteDetail>('GET', `/api/notes/${encodeURIComponent(final.noteId)}`)
  printNoteHead(output, note)
  output.out('')
  output.out(`Transcript: tella note ${note.id} --format txt|srt|vtt`)
  return exitCodes.ok
}
