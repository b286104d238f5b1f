import {
  type DownloadCompleted,
  inlineTranscript,
  objectKeys,
  overallProgress,
  type ProgressEvent,
  type StageEvent,
  type StageFailed,
  type SummarizeCompleted,
  stageProgressRange,
  type TranscriptDocument,
} from '@tella/contracts'
import type { Transaction } from 'kysely'
import { jsonObjectFrom } from 'kysely/helpers/postgres'
import type { CourseRow, Database, JobRow } from '../db/schema.ts'
import { newId } from '../jobs/ids.ts'
import { jobFromRow } from '../jobs/job-view.ts'
import {
  commandMessage,
  lifecycleMessage,
  mediaPurgeMessage,
  type OutboxMessage,
  OutboxWrites,
  updateJob,
} from './outbox.ts'

type Trx = Transaction<Database>

/**
 * The job under its row lock, with the course its note will show: read with the lock, so the
 * completed event costs no statement of its own to show it.
 */
type LockedJob = JobRow & { course: Pick<CourseRow, 'id' | 'name' | 'color' | 'emoji'> | null }

export type FoldOutcome = 'applied' | 'unknown-job' | 'terminal' | 'stale' | 'missing-transcript'

/**
 * Folds one worker event into its job, inside the caller's transaction. Safe for events that
 * come twice, late, out of order or from a superseded attempt: such events change nothing.
 * Progress only rises, a terminal job never changes, and the next stage's command is queued
 * in the same commit as the state that asks for it.
 *
 * `transcript` is the transcribe stage's document, read by the caller before the transaction
 * so the row lock is not held across a broker round trip. The messages go to `outbox`.
 *
 * An event costs at most two statements: the row lock, then the change with its messages.
 * Lifecycle events carry the job built from the locked row and the change (`jobFromRow`),
 * not read back.
 */
export async function foldEvent(
  trx: Trx,
  event: StageEvent,
  transcript: TranscriptDocument | null,
  outbox = new OutboxWrites(),
): Promise<FoldOutcome> {
  const job = await lockJob(trx, event.jobId)
  if (!job) return 'unknown-job'
  if (job.status === 'COMPLETED' || job.status === 'FAILED') return 'terminal'
  if (job.attempt !== event.attempt || job.stage !== event.stage) return 'stale'

  switch (event.kind) {
    case 'progress':
      await applyProgress(trx, outbox, job, event)
      return 'applied'
    case 'failed':
      await applyFailure(trx, outbox, job, event)
      return 'applied'
    case 'completed':
      break
  }

  switch (event.stage) {
    case 'download':
      await completeDownload(trx, outbox, job, event)
      return 'applied'
    case 'transcribe':
      if (!transcript) return 'missing-transcript'
      await completeTranscription(trx, outbox, job, transcript)
      return 'applied'
    case 'summarize':
      await completeWithNote(trx, outbox, job, event)
      return 'applied'
  }
}

function lockJob(trx: Trx, jobId: string): Promise<LockedJob | undefined> {
  return trx
    .selectFrom('jobs')
    .selectAll('jobs')
    .select((eb) =>
      jsonObjectFrom(
        eb
          .selectFrom('courses')
          .select(['courses.id', 'courses.name', 'courses.color', 'courses.emoji'])
          .whereRef('courses.id', '=', 'jobs.course_id'),
      ).as('course'),
    )
    .where('jobs.id', '=', jobId)
    .forUpdate()
    .executeTakeFirst()
}

async function applyProgress(trx: Trx, outbox: OutboxWrites, job: LockedJob, e: ProgressEvent) {
  const progress = Math.max(job.progress, overallProgress(e.stage, e.fraction))
  const starting = job.status === 'PENDING'
  if (!starting && progress === job.progress) return
  if (!starting) return updateJob(trx, outbox, job.id, { progress }, [])
  const changes = { status: 'IN_PROGRESS' as const, progress, updated_at: new Date() }
  const started = lifecycleMessage('started', jobFromRow({ ...job, ...changes }))
  await updateJob(trx, outbox, job.id, changes, [started])
}

/**
 * A failed job keeps its media and transcript, so a retry can resume from the stage that
 * failed; they are purged when the job is deleted, and the media bucket's TTL bounds them.
 */
async function applyFailure(trx: Trx, outbox: OutboxWrites, job: LockedJob, e: StageFailed) {
  const changes = {
    status: 'FAILED' as const,
    error_code: e.code,
    error_message: e.message,
    updated_at: new Date(),
  }
  const failed = jobFromRow({ ...job, ...changes })
  await updateJob(trx, outbox, job.id, changes, [lifecycleMessage('failed', failed)])
}

async function completeDownload(
  trx: Trx,
  outbox: OutboxWrites,
  job: LockedJob,
  event: DownloadCompleted,
) {
  const attempt = job.attempt + 1
  const titleFromSource = job.source === 'YOUTUBE' && event.title && !job.title_from_user
  const noteTitle = titleFromSource ? (event.title as string) : job.note_title
  const changes = {
    status: 'IN_PROGRESS' as const,
    stage: 'transcribe' as const,
    attempt,
    progress: Math.max(job.progress, stageProgressRange.transcribe.from),
    duration_sec: event.durationSec,
    file_size: event.fileSize,
    source_date: event.uploadDate ?? null,
    mime_type: event.mimeType,
    note_title: noteTitle,
    title: titleFromSource ? `Processing: ${noteTitle}` : job.title,
    updated_at: new Date(),
  }
  const messages: OutboxMessage[] = [
    commandMessage('transcribe', {
      jobId: job.id,
      userId: job.user_id,
      attempt,
      audioKey: event.audioKey,
      durationSec: event.durationSec,
    }),
  ]
  if (job.status === 'PENDING') {
    messages.push(lifecycleMessage('started', jobFromRow({ ...job, ...changes })))
  }
  await updateJob(trx, outbox, job.id, changes, messages)
}

async function completeTranscription(
  trx: Trx,
  outbox: OutboxWrites,
  job: LockedJob,
  transcript: TranscriptDocument,
) {
  const attempt = job.attempt + 1
  const changes = {
    stage: 'summarize' as const,
    attempt,
    progress: Math.max(job.progress, stageProgressRange.summarize.from),
    transcript: JSON.stringify(transcript),
    updated_at: new Date(),
  }
  const command = commandMessage('summarize', {
    jobId: job.id,
    userId: job.user_id,
    attempt,
    transcriptKey: objectKeys.transcript(job.id),
    ...inlineTranscript(transcript),
  })
  await updateJob(trx, outbox, job.id, changes, [command])
}

/**
 * 95–100 %: the note is written in the same commit, here the same statement, that completes
 * the job.
 */
async function completeWithNote(
  trx: Trx,
  outbox: OutboxWrites,
  job: LockedJob,
  event: SummarizeCompleted,
) {
  const transcript = (job.transcript ?? { text: '', segments: [] }) as TranscriptDocument
  const now = new Date()
  const empty = transcript.text.trim() === ''
  const note = {
    id: newId('note'),
    title: job.note_title,
    status: 'COMPLETED',
    duration_sec: job.duration_sec,
    file_size: job.file_size,
    mime_type: job.mime_type,
    summary: empty ? null : event.summary,
    // The source's date (a video's upload date), else the import's, as a UTC day.
    date: job.source_date ?? job.created_at.toISOString().slice(0, 10),
    created_at: now,
    updated_at: now,
  }
  const changes = {
    status: 'COMPLETED' as const,
    stage: 'note' as const,
    progress: 100,
    note_id: note.id,
    transcript: null,
    updated_at: now,
    completed_at: now,
  }
  const completed = jobFromRow({ ...job, ...changes }, { note, course: job.course })

  const write = trx
    .with('new_note', (db) =>
      db
        .insertInto('notes')
        .values({
          ...note,
          user_id: job.user_id,
          job_id: job.id,
          course_id: job.course_id,
          key_points: JSON.stringify(empty ? [] : event.keyPoints),
          transcript_text: transcript.text,
          transcript_segments: JSON.stringify(transcript.segments),
          transcript_empty: empty,
        })
        .returning('id'),
    )
    .with('completed_job', (db) =>
      db.updateTable('jobs').set(changes).where('id', '=', job.id).returning('id'),
    )
  await outbox.insert(write, [mediaPurgeMessage(job.id), lifecycleMessage('completed', completed)])
}
