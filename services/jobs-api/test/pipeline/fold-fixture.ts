import type { StageEvent } from '@tella/contracts'
import { createTestDatabase } from '@tella/test-support'
import type { Test } from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { foldEvent } from '../../src/pipeline/event-fold.ts'
import { JobWrites, type NewImport } from '../../src/pipeline/job-writes.ts'

/** An upload import of a lecture with no course, file name or key: what most tests create. */
export function uploadedLecture(jobId: string, userId: string, noteTitle = 'Lecture'): NewImport {
  return {
    jobId,
    userId,
    source: 'UPLOAD',
    noteTitle,
    courseId: null,
    fileName: 'lecture.wav',
    sourceUrl: null,
    idempotencyKey: null,
  }
}

/** A migrated private database with the write side and the folder over it. */
export async function foldFixture(t: Test) {
  const database = await createTestDatabase()
  const { db } = createDatabase(database.url)
  await migrateToLatest(db)
  t.teardown(async () => {
    await db.destroy()
    await database.drop()
  })
  const writes = new JobWrites(db, 1_000)
  let counter = 0

  const createJob = async (userId = 'user_fold') => {
    counter += 1
    const jobId = `job_fold${counter}`
    await writes.createImport(uploadedLecture(jobId, userId, `Lecture ${counter}`))
    return jobId
  }

  const fold = (event: StageEvent, transcript = sampleTranscript) =>
    db.transaction().execute((trx) => foldEvent(trx, event, transcript))

  const job = (jobId: string) =>
    db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow()

  const outboxSubjects = async () =>
    (await db.selectFrom('outbox').select('subject').orderBy('id').execute()).map(
      (row) => row.subject,
    )

  const notesOf = (jobId: string) =>
    db.selectFrom('notes').selectAll().where('job_id', '=', jobId).execute()

  return { db, writes, createJob, fold, job, outboxSubjects, notesOf }
}

export const sampleTranscript = {
  text: 'cells divide by mitosis',
  segments: [{ start: 0, end: 2.5, text: 'cells divide by mitosis' }],
  engine: 'test',
}

const at = () => new Date().toISOString()

export const events = {
  progress: (jobId: string, attempt: number, stage: 'download' | 'transcribe', fraction: number) =>
    ({ kind: 'progress', stage, jobId, attempt, fraction, at: at() }) as StageEvent,
  downloaded: (jobId: string, attempt = 1) =>
    ({
      kind: 'completed',
      stage: 'download',
      jobId,
      attempt,
      at: at(),
      audioKey: `${jobId}/audio.wav`,
      durationSec: 12.5,
      fileSize: 4096,
      mimeType: 'audio/wav',
    }) as StageEvent,
  transcribed: (jobId: string, attempt = 2) =>
    ({
      kind: 'completed',
      stage: 'transcribe',
      jobId,
      attempt,
      at: at(),
      transcriptKey: `${jobId}/transcript.json`,
      segmentCount: 1,
    }) as StageEvent,
  summarized: (jobId: string, attempt = 3) =>
    ({
      kind: 'completed',
      stage: 'summarize',
      jobId,
      attempt,
      at: at(),
      summary: 'Cells divide.',
      keyPoints: ['Mitosis'],
    }) as StageEvent,
  failed: (jobId: string, attempt: number, stage: 'download' | 'transcribe' | 'summarize') =>
    ({
      kind: 'failed',
      stage,
      jobId,
      attempt,
      at: at(),
      code: 'NETWORK_TIMEOUT',
      message: 'Network timeout: download or processing timed out',
    }) as StageEvent,
}
