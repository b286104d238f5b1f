import {
  type Job,
  type LifecycleEvent,
  type LifecycleType,
  type Stage,
  subjects,
} from '@tella/contracts'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'

type Trx = Transaction<Database>

/**
 * The channel the relay listens on, so a committed row goes out without polling delay. An
 * insert into `outbox` notifies it by trigger (migration 0006), whoever writes the row.
 */
export const outboxChannel = 'imports_outbox'

/**
 * Writes a message into the outbox inside the caller's transaction: it is published if and
 * only if the state change that caused it commits. `msgId` makes the broker drop a second
 * copy if the relay dies between publishing and deleting the row.
 */
export async function enqueueMessage(
  trx: Trx,
  subject: string,
  payload: unknown,
  msgId: string,
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({ kind: 'publish', subject, payload: JSON.stringify(payload), msg_id: msgId })
    .execute()
}

export async function enqueueCommand(
  trx: Trx,
  stage: Stage,
  command: { jobId: string; attempt: number } & Record<string, unknown>,
): Promise<void> {
  const msgId = `${command.jobId}.${stage}.${command.attempt}.command`
  await enqueueMessage(trx, subjects.command(stage), command, msgId)
}

export async function enqueueLifecycle(trx: Trx, type: LifecycleType, job: Job): Promise<void> {
  const event: LifecycleEvent = {
    type,
    jobId: job.id,
    userId: job.userId,
    at: new Date().toISOString(),
    job,
  }
  const subject = subjects.lifecycle(type, job.userId, job.id)
  // A retried job can fail or start again: the transition's time keeps the ids distinct.
  const msgId = `${job.id}.lifecycle.${type}.${Date.parse(job.updatedAt)}`
  await enqueueMessage(trx, subject, event, msgId)
}

/** Marks the job cancelled in the bucket every worker watches (a KV put is a publish). */
export async function enqueueCancellation(trx: Trx, jobId: string, bucket: string) {
  const notice = { jobId, at: new Date().toISOString() }
  await enqueueMessage(trx, `$KV.${bucket}.${jobId}`, notice, `${jobId}.cancel`)
}

/** Removes the job's upload, audio and transcript once nothing will read them again. */
export async function enqueueMediaPurge(trx: Trx, jobId: string): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      kind: 'purge-media',
      subject: jobId,
      payload: JSON.stringify({ jobId }),
      msg_id: `${jobId}.purge`,
    })
    .execute()
}
