import {
  type Job,
  type LifecycleEvent,
  type LifecycleType,
  type Stage,
  subjects,
} from '@tella/contracts'
import type { QueryCreator, Transaction, Updateable } from 'kysely'
import type { Database, JobsTable, OutboxKind } from '../db/schema.ts'

/**
 * The channel the relay listens on, so a committed row goes out without polling delay. An
 * insert into `outbox` notifies it by trigger (migration 0006), whoever writes the row.
 */
export const outboxChannel = 'imports_outbox'

/**
 * A message for the outbox: published on `subject` with the JetStream message id `msgId`, so
 * the broker drops a second copy (a relay or writer that died between publishing and deleting
 * the row); or, for `purge-media`, the job's media to remove.
 */
export interface OutboxMessage {
  kind: OutboxKind
  subject: string
  payload: unknown
  msgId: string
}

export function commandMessage(
  stage: Stage,
  command: { jobId: string; attempt: number } & Record<string, unknown>,
): OutboxMessage {
  const msgId = `${command.jobId}.${stage}.${command.attempt}.command`
  return { kind: 'publish', subject: subjects.command(stage), payload: command, msgId }
}

export function lifecycleMessage(type: LifecycleType, job: Job): OutboxMessage {
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
  return { kind: 'publish', subject, payload: event, msgId }
}

/** Marks the job cancelled in the bucket every worker watches (a KV put is a publish). */
export function cancellationMessage(jobId: string, bucket: string): OutboxMessage {
  const notice = { jobId, at: new Date().toISOString() }
  return {
    kind: 'publish',
    subject: `$KV.${bucket}.${jobId}`,
    payload: notice,
    msgId: `${jobId}.cancel`,
  }
}

/** Removes the job's upload, audio and transcript once nothing will read them again. */
export function mediaPurgeMessage(jobId: string): OutboxMessage {
  return { kind: 'purge-media', subject: jobId, payload: { jobId }, msgId: `${jobId}.purge` }
}

/**
 * The outbox rows of one transaction: they are published if and only if the state change
 * that caused them commits.
 */
export class OutboxWrites {
  /**
   * Inserts `messages`, in their order, in one statement built on `db`: the transaction, or
   * the transaction with common table expressions (`trx.with(…)`), so the state change that
   * causes the messages and their rows cost one round trip together.
   */
  async insert<DB extends Database>(db: QueryCreator<DB>, messages: OutboxMessage[]) {
    // The tables the expressions add are not read here; Kysely's types cannot say so.
    const creator = db as unknown as QueryCreator<Database>
    await creator
      .insertInto('outbox')
      .values(
        messages.map((message) => ({
          kind: message.kind,
          subject: message.subject,
          payload: JSON.stringify(message.payload),
          msg_id: message.msgId,
        })),
      )
      .execute()
  }
}

/**
 * Updates one job and writes the messages its change causes, in one statement (a round trip
 * on a job's critical path, each 0.5–0.7 ms measured on a loaded machine).
 */
export async function updateJob(
  trx: Transaction<Database>,
  outbox: OutboxWrites,
  jobId: string,
  changes: Updateable<JobsTable>,
  messages: OutboxMessage[],
): Promise<void> {
  const update = trx.updateTable('jobs').set(changes).where('id', '=', jobId)
  if (messages.length === 0) {
    await update.execute()
    return
  }
  await outbox.insert(
    trx.with('changed_job', () => update.returning('id')),
    messages,
  )
}
