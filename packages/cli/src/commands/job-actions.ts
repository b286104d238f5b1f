import type { Job } from '@tella/contracts'
import { describeCode } from '../error-messages.ts'
import { exitCodes } from '../failures.ts'
import { shortDate } from '../output/output.ts'
import { activity } from '../output/progress.ts'
import { type Command, jobPath } from './command.ts'
import { followJob } from './follow.ts'

const tokenHelp = '  --token <jwt>   bearer token (default: TELLA_TOKEN)'

export const showCommand: Command = {
  name: 'show',
  synopsis: 'show <job-id>',
  summary: 'one job: status, progress, note and error',
  positionals: ['job-id'],
  options: { json: { type: 'boolean' } },
  usesApi: true,
  help: `Prints one of your jobs.

Options:
  --json          the job as the API returns it
${tokenHelp}`,

  async run(context, values, [jobId = '']) {
    const job = await context.api().call<Job>('GET', jobPath(jobId))
    if (values.json) {
      context.output.out(JSON.stringify(job, null, 2))
      return exitCodes.ok
    }
    for (const line of await describeJob(job)) context.output.out(line)
    return exitCodes.ok
  },
}

export const cancelCommand: Command = {
  name: 'cancel',
  synopsis: 'cancel <job-id>',
  summary: 'stop a pending or running job',
  positionals: ['job-id'],
  options: {},
  usesApi: true,
  help: `Cancels a pending or running job: it ends FAILED with the code CANCELLED and no note
is made. Finished jobs cannot be cancelled.

Options:
${tokenHelp}`,

  async run(context, _values, [jobId = '']) {
    await context.api().call('POST', jobPath(jobId, '/cancel'))
    context.output.out(`Job ${jobId} cancelled.`)
    return exitCodes.ok
  },
}

export const deleteCommand: Command = {
  name: 'delete',
  synopsis: 'delete <job-id>',
  summary: 'remove a completed or failed job (its note stays)',
  positionals: ['job-id'],
  options: {},
  usesApi: true,
  help: `Deletes a completed or failed job. The note it made stays. A running job must be
cancelled first.

Options:
${tokenHelp}`,

  async run(context, _values, [jobId = '']) {
    await context.api().call('DELETE', jobPath(jobId))
    context.output.out(`Job ${jobId} deleted; its note, if any, stays.`)
    return exitCodes.ok
  },
}

export const retryCommand: Command = {
  name: 'retry',
  synopsis: 'retry <job-id>',
  summary: 're-run a failed job from the stage that failed',
  positionals: ['job-id'],
  options: { wait: { type: 'boolean' } },
  usesApi: true,
  help: `Re-runs a failed job from the stage that failed, reusing what earlier stages made.
Cancelled jobs cannot be retried.

Options:
  --wait          show its progress until it ends, like tella import
${tokenHelp}`,

  async run(context, values, [jobId = '']) {
    const api = context.api()
    const job = await api.call<Job>('POST', jobPath(jobId, '/retry'))
    context.output.out(`Job ${job.id} retried from the ${job.stage} stage.`)
    if (values.wait) return followJob(api, context.output, job)
    context.output.out(`Follow it: tella show ${job.id}`)
    return exitCodes.ok
  },
}

/** The lines of `tella show`: one field a line, labels aligned. */
export async function describeJob(job: Job): Promise<string[]> {
  const rows: Array<[string, string]> = [
    ['Job', job.id],
    ['Title', job.title],
    ['Status', `${job.status} (${Math.round(job.progress)}%, ${activity(job)})`],
    ['Source', job.source],
    ['Course', job.note?.course?.name ?? job.courseId ?? '-'],
    ['Created', shortDate(job.createdAt)],
    ['Updated', shortDate(job.updatedAt)],
    ['Completed', shortDate(job.completedAt)],
  ]
  if (job.noteId) rows.push(['Note', `${job.noteId} (tella note ${job.noteId})`])
  if (job.status === 'FAILED') {
    const [first = '', ...more] = await describeCode(job.errorCode, job.errorMessage)
    rows.push(['Error', first])
    for (const line of more) rows.push(['', line.trim()])
  }
  return rows.map(([label, value]) => `${label.padEnd(10)} ${value}`.trimEnd())
}
