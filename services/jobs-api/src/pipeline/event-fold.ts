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
import { sql, type Transaction } from 'kysely'
import type { Database, JobRow } from '../db/schema.ts'
import { newId } from '../jobs/ids.ts'
import { loadJob } from './job-writes.ts'
import { enqueueCommand, enqueueLifecycle, enqueueMediaPurge } from './outbox.ts'

type Trx = Transaction<Database>

export type FoldOutcome = 'applied' | 'unknown-job' | 'terminal' | 'stale' | 'missing-transcript'

/**
 * Folds one worker event into its job, inside the caller's transaction. Safe for events that
 * come twice, late, out of order or from a superseded attempt: such events change nothing.
 * Progress only rises, a terminal job never changes, and the next stage's command is queued
 * in the same commit as the state that asks for it.
 *
 * `transcript` is the transcribe stage's document, read by the caller before the transaction
 * so the row lock is not held across a broker round trip.
 */
export async function foldEvent(
  trx: Trx,
  event: StageEvent,
  transcript: TranscriptDocument | null,
): Promise<FoldOutcome> {
  const job = await trx
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', event.jobId)
    .forUpdate()
    .executeTakeFirst()
  if (!job) return 'unknown-job'
  if (job.status === 'COMPLETED' || job.status === 'FAILED') return 'terminal'
  if (job.attempt !== event.attempt || job.stage !== event.stage) return 'stale'

  switch (event.kind) {
    case 'progress':
      await applyProgress(trx, job, event)
      return 'applied'
    case 'failed':
      await applyFailure(trx, job, event)
      return 'applied'
    case 'completed':
      break
  }

  switch (event.stage) {
    case 'download':
      await completeDownload(trx, job, event)
      return 'applied'
    case 'transcribe':
      if (!transcript) return 'missing-transcript'
      await completeTranscription(trx, job, transcript)
      return 'applied'
    case 'summarize':
      await completeWithNote(trx, job, event)
      return 'applied'
  }
}

async function applyProgress(trx: Trx, job: JobRow, event: ProgressEvent) {
  const progress = Math.max(job.progress, overallProgress(event.stage, event.fraction))
  const starting = job.status === 'PENDING'
  if (!starting && progress === job.progress) return
  await trx
    .updateTable('jobs')
    .set({ status: 'IN_PROGRESS', progress, ...(starting ? { updated_at: new Date() } : {}) })
    .where('id', '=', job.id)
    .execute()
  if (starting) await enqueueLifecycle(trx, 'started', await loadJob(trx, job.id))
}

/**
 * A failed job keeps its media and transcript, so a retry can resume from the stage that
 * failed; they are purged when the job is deleted, and the media bucket's TTL bounds them.
 */
async function applyFailure(trx: Trx, job: JobRow, event: StageFailed) {
  await trx
    .updateTable('jobs')
    .set({
      status: 'FAILED',
      error_code: event.code,
      error_message: event.message,
      updated_at: new Date(),
    })
    .where('id', '=', job.id)
    .execute()
  await enqueueLifecycle(trx, 'failed', await loadJob(trx, job.id))
}

async function completeDownload(trx: Trx, job: JobRow, event: DownloadCompleted) {
  const attempt = job.attempt + 1
  const titleFromSource = job.source === 'YOUTUBE' && event.title && !job.title_from_user
  const noteTitle = titleFromSource ? (event.title as string) : job.note_title
  await trx
    .updateTable('jobs')
    .set({
      status: 'IN_PROGRESS',
      stage: 'transcribe',
      attempt,
      progress: Math.max(job.progress, stageProgressRange.transcribe.from),
      duration_sec: event.durationSec,
      file_size: event.fileSize,
      source_date: event.uploadDate ?? null,
      mime_type: event.mimeType,
      note_title: noteTitle,
      ...(titleFromSource ? { title: `Processing: ${noteTitle}` } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', job.id)
    .execute()
  await enqueueCommand(trx, 'transcribe', {
    jobId: job.id,
    userId: job.user_id,
    attempt,
    audioKey: event.audioKey,
    durationSec: event.durationSec,
  })
  if (job.status === 'PENDING') await enqueueLifecycle(trx, 'started', await loadJob(trx, job.id))
}

async function completeTranscription(trx: Trx, job: JobRow, transcript: TranscriptDocument) {
  const attempt = job.attempt + 1
  await trx
    .updateTable('jobs')
    .set({
      stage: 'summarize',
      attempt,
      progress: Math.max(job.progress, stageProgressRange.summarize.from),
      transcript: JSON.stringify(transcript),
      updated_at: new Date(),
    })
    .where('id', '=', job.id)
    .execute()
  await enqueueCommand(trx, 'summarize', {
    jobId: job.id,
    userId: job.user_id,
    attempt,
    transcriptKey: objectKeys.transcript(job.id),
    ...inlineTranscript(transcript),
  })
}

/** 95–100 %: the note is written in the same commit that completes the job. */
async function completeWithNote(trx: Trx, job: JobRow, event: SummarizeCompleted) {
  const transcript = (job.transcript ?? { text: '', segments: [] }) as TranscriptDocument
  const noteId = newId('note')
  const now = new Date()
  const empty = transcript.text.trim() === ''
  await trx
    .insertInto('notes')
    .values({
      id: noteId,
      user_id: job.user_id,
      job_id: job.id,
      course_id: job.course_id,
      title: job.note_title,
      status: 'COMPLETED',
      duration_sec: job.duration_sec,
      file_size: job.file_size,
      mime_type: job.mime_type,
      summary: empty ? null : event.summary,
      key_points: JSON.stringify(empty ? [] : event.keyPoints),
      transcript_text: transcript.text,
      transcript_segments: JSON.stringify(transcript.segments),
      transcript_empty: empty,
      date:
        job.source_date ??
        sql<string>`to_char(${job.created_at}::timestamptz at time zone 'UTC', 'YYYY-MM-DD')`,
    })
    .execute()
  await trx
    .updateTable('jobs')
    .set({
      status: 'COMPLETED',
      stage: 'note',
      progress: 100,
      note_id: noteId,
      transcript: null,
      updated_at: now,
      completed_at: now,
    })
    .where('id', '=', job.id)
    .execute()
  await enqueueMediaPurge(trx, job.id)
  await enqueueLifecycle(trx, 'completed', await loadJob(trx, job.id))
}
