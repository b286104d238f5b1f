import {
  buckets,
  CodedError,
  type Job,
  type JobSource,
  objectKeys,
  type Stage,
  stageProgressRange,
} from '@tella/contracts'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database, JobRow } from '../db/schema.ts'
import { jobFromRow, selectJobViews, toJob } from '../jobs/job-view.ts'
import {
  cancellationMessage,
  commandMessage,
  lifecycleMessage,
  mediaPurgeMessage,
  OutboxWrites,
  updateJob,
} from './outbox.ts'
import type { OutboxFastPath } from './outbox-fast-path.ts'

type Trx = Transaction<Database>

export interface NewImport {
  jobId: string
  userId: string
  source: JobSource
  /** The note's title; also the job's (`Processing: …`) unless `jobTitle` is given. */
  noteTitle: string
  /** What the job shows while it runs, e.g. the uploaded file's name as the reference does. */
  jobTitle?: string
  /** The user typed the title: a source's own title (a video's) must not replace it. */
  titleFromUser?: boolean
  courseId: string | null
  fileName: string | null
  sourceUrl: string | null
  idempotencyKey: string | null
}

const activeStatuses = ['PENDING', 'IN_PROGRESS'] as const

/**
 * The write side of the Jobs API: every change and the messages it causes, in one commit.
 * With a fast path, the messages are published as soon as the commit is done (not awaited by
 * the caller); without one, the outbox relay sends them.
 */
export class JobWrites {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxActiveJobsPerUser: number,
    private readonly fastPath?: OutboxFastPath,
  ) {}

  /** Refuses early, before an upload is streamed, when the user is already at the limit. */
  async assertBelowActiveLimit(userId: string): Promise<void> {
    const active = await this.countActive(this.db, userId)
    if (active >= this.maxActiveJobsPerUser) throw new CodedError('RATE_LIMITED')
  }

  async assertCourseOwned(userId: string, courseId: string): Promise<void> {
    const course = await this.db
      .selectFrom('courses')
      .select('id')
      .where('id', '=', courseId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!course) throw new CodedError('COURSE_NOT_FOUND')
  }

  /**
   * Stores the job and queues its first command. The per-user advisory lock makes the
   * active-job limit exact under concurrent requests: it is taken in a statement of its own,
   * so the check after it reads what the lock's previous holder committed.
   */
  async createImport(input: NewImport): Promise<{ job: Job; created: boolean }> {
    return this.transaction(async (trx, outbox) => {
      await sql`select pg_advisory_xact_lock(hashtext(${input.userId}))`.execute(trx)
      const found = await this.findDuplicateAndActive(trx, input)
      if (found.duplicate) return { job: await loadJob(trx, found.duplicate), created: false }
      if (found.active >= this.maxActiveJobsPerUser) throw new CodedError('RATE_LIMITED')

      const row = {
        id: input.jobId,
        user_id: input.userId,
        title: `Processing: ${input.jobTitle ?? input.noteTitle}`,
        note_title: input.noteTitle,
        status: 'PENDING' as const,
        progress: 0,
        source: input.source,
        stage: 'download' as const,
        attempt: 1,
        course_id: input.courseId,
        file_name: input.fileName,
        source_url: input.sourceUrl,
        idempotency_key: input.idempotencyKey,
        title_from_user: input.titleFromUser ?? false,
      }
      // created_at and updated_at default to now(), the transaction's start: `found.now`.
      const job = jobFromRow({
        ...row,
        error_code: null,
        error_message: null,
        note_id: null,
        created_at: found.now,
        updated_at: found.now,
        completed_at: null,
      })
      const command = commandMessage('download', {
        jobId: input.jobId,
        userId: input.userId,
        attempt: 1,
        source: input.source,
        ...(input.source === 'UPLOAD' ? { uploadKey: objectKeys.upload(input.jobId) } : {}),
        ...(input.sourceUrl ? { url: input.sourceUrl } : {}),
        ...(input.fileName ? { fileName: input.fileName } : {}),
      })
      await outbox.insert(
        trx.with('new_job', (db) => db.insertInto('jobs').values(row).returning('id')),
        [command, lifecycleMessage('created', job)],
      )
      return { job, created: true }
    })
  }

  /** Looks up an earlier import by idempotency key, without the user's lock (a pre-check). */
  async findByIdempotencyKey(userId: string, key: string): Promise<Job | null> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('user_id', '=', userId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst()
    return row ? loadJob(this.db, row.id) : null
  }

  /**
   * In one statement: the job a repeated request should get back instead of a new one (the
   * one created with the same idempotency key, or an active import of the same video by the
   * same user), the user's active jobs, and the transaction's time. Runs under the user's
   * lock, so two identical requests cannot both create, nor two requests both take the last
   * place.
   */
  private async findDuplicateAndActive(trx: Trx, input: NewImport) {
    const { idempotencyKey: key, sourceUrl: url } = input
    const none = sql<string | null>`null`
    const row = await trx
      .selectNoFrom((eb) => [
        (key
          ? eb
              .selectFrom('jobs')
              .select('id')
              .where('user_id', '=', input.userId)
              .where('idempotency_key', '=', key)
          : none
        ).as('by_key'),
        (input.source === 'YOUTUBE' && url
          ? eb
              .selectFrom('jobs')
              .select('id')
              .where('user_id', '=', input.userId)
              .where('source_url', '=', url)
              .where('status', 'in', activeStatuses)
              .limit(1)
          : none
        ).as('same_video'),
        eb
          .selectFrom('jobs')
          .select((count) => count.fn.countAll<string>().as('active'))
          .where('user_id', '=', input.userId)
          .where('status', 'in', activeStatuses)
          .as('active'),
        sql<Date>`now()`.as('now'),
      ])
      .executeTakeFirstOrThrow()
    return { duplicate: row.by_key ?? row.same_video, active: Number(row.active), now: row.now }
  }

  /**
   * Ends an active job as FAILED with code CANCELLED, tells every worker, and removes its
   * media. The row lock orders this against a completing stage: whichever commits first
   * wins, and the other sees a terminal job.
   */
  async cancel(userId: string, jobId: string): Promise<Job> {
    return this.transaction(async (trx, outbox) => {
      const row = await lockJob(trx, userId, jobId)
      if (row.status === 'COMPLETED' || row.status === 'FAILED') {
        throw new CodedError('JOB_NOT_CANCELLABLE')
      }
      const cancelled = new CodedError('CANCELLED')
      const changes = {
        status: 'FAILED' as const,
        error_code: cancelled.code,
        error_message: cancelled.message,
        transcript: null,
        updated_at: new Date(),
      }
      const job = jobFromRow({ ...row, ...changes })
      await updateJob(trx, outbox, jobId, changes, [
        cancellationMessage(jobId, buckets.cancellations),
        mediaPurgeMessage(jobId),
        lifecycleMessage('cancelled', job),
      ])
      return job
    })
  }

  /**
   * Runs a FAILED job again from the stage that failed, reusing what earlier stages stored.
   * A new attempt number fences off anything the failed attempt may still send.
   */
  async retry(userId: string, jobId: string): Promise<Job> {
    return this.transaction(async (trx, outbox) => {
      await sql`select pg_advisory_xact_lock(hashtext(${userId}))`.execute(trx)
      const row = await lockJob(trx, userId, jobId)
      if (row.status !== 'FAILED' || row.error_code === 'CANCELLED') {
        throw new CodedError('JOB_NOT_RETRYABLE')
      }
      if ((await this.countActive(trx, userId)) >= this.maxActiveJobsPerUser) {
        throw new CodedError('RATE_LIMITED')
      }
      const attempt = row.attempt + 1
      const stage = row.stage === 'note' ? 'summarize' : row.stage
      const changes = {
        status: 'PENDING' as const,
        stage,
        attempt,
        progress: stageProgressRange[stage].from,
        error_code: null,
        error_message: null,
        completed_at: null,
        updated_at: new Date(),
      }
      const retried = jobFromRow({ ...row, ...changes })
      await updateJob(trx, outbox, jobId, changes, [
        commandMessage(stage, commandFor(row, stage, attempt)),
        lifecycleMessage('retried', retried),
      ])
      return retried
    })
  }

  /** Deletes a finished job; its note, if any, stays. */
  async delete(userId: string, jobId: string): Promise<void> {
    await this.transaction(async (trx, outbox) => {
      // The job as it was, note and course included, for the deleted event; locked.
      const found = await selectJobViews(trx)
        .where('j.id', '=', jobId)
        .where('j.user_id', '=', userId)
        .forUpdate('j')
        .executeTakeFirst()
      if (!found) throw new CodedError('JOB_NOT_FOUND')
      if (found.status === 'PENDING' || found.status === 'IN_PROGRESS') {
        throw new CodedError('JOB_ACTIVE')
      }
      await outbox.insert(
        trx.with('deleted_job', (db) =>
          db.deleteFrom('jobs').where('id', '=', jobId).returning('id'),
        ),
        [mediaPurgeMessage(jobId), lifecycleMessage('deleted', toJob(found))],
      )
    })
  }

  /**
   * Runs `work` in a transaction with the outbox rows it writes, and hands the rows to the
   * fast path once it committed.
   */
  private async transaction<T>(work: (trx: Trx, outbox: OutboxWrites) => Promise<T>) {
    const outbox = this.fastPath?.writes() ?? new OutboxWrites()
    const result = await this.db.transaction().execute((trx) => work(trx, outbox))
    this.fastPath?.send(outbox.held)
    return result
  }

  private async countActive(db: Kysely<Database> | Trx, userId: string): Promise<number> {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('active'))
      .where('user_id', '=', userId)
      .where('status', 'in', activeStatuses)
      .executeTakeFirstOrThrow()
    return Number(row.active)
  }
}

/** The command that re-runs `stage` from what the job's earlier stages stored. */
function commandFor(job: JobRow, stage: Stage, attempt: number) {
  const ref = { jobId: job.id, userId: job.user_id, attempt }
  switch (stage) {
    case 'download':
      return {
        ...ref,
        source: job.source,
        ...(job.source === 'UPLOAD' ? { uploadKey: objectKeys.upload(job.id) } : {}),
        ...(job.source_url ? { url: job.source_url } : {}),
        ...(job.file_name ? { fileName: job.file_name } : {}),
      }
    case 'transcribe':
      return { ...ref, audioKey: objectKeys.audio(job.id), durationSec: job.duration_sec ?? 0 }
    case 'summarize':
      return { ...ref, transcriptKey: objectKeys.transcript(job.id) }
  }
}

async function lockJob(trx: Trx, userId: string, jobId: string): Promise<JobRow> {
  const row = await trx
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', jobId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new CodedError('JOB_NOT_FOUND')
  return row
}

export async function loadJob(trx: Trx | Kysely<Database>, jobId: string): Promise<Job> {
  return toJob(await selectJobViews(trx).where('j.id', '=', jobId).executeTakeFirstOrThrow())
}
