import type { LifecycleEvent } from '@tella/contracts'
import t from 'tap'
import { foldBatch } from '../../src/pipeline/batch-fold.ts'
import { loadJob } from '../../src/pipeline/job-writes.ts'
import { events, foldFixture } from './fold-fixture.ts'

/**
 * Writers build the job a lifecycle event carries from the row they locked and the change
 * they write, instead of reading it back (a round trip fewer). Each event must still carry
 * the job exactly as `GET /api/jobs/:id` shows it right after the transition.
 */
async function fixture(t: Parameters<typeof foldFixture>[0]) {
  const f = await foldFixture(t)
  /** The job of the last lifecycle event of `type` the outbox holds for `jobId`. */
  const lastEvent = async (jobId: string, type: string) => {
    const rows = await f.db
      .selectFrom('outbox')
      .select('payload')
      .where('subject', 'like', `imports.lifecycle.${type}.%.${jobId}`)
      .orderBy('id', 'desc')
      .execute()
    return (rows[0]?.payload as LifecycleEvent | undefined)?.job
  }
  const course = async (userId: string) => {
    await f.db
      .insertInto('courses')
      .values({
        id: 'course_lifecycle',
        user_id: userId,
        name: 'Cells',
        color: 'green',
        emoji: '🧬',
      })
      .execute()
    return 'course_lifecycle'
  }
  return { ...f, lastEvent, course }
}

t.test('created, started and completed events carry the job as it is read back', async (t) => {
  const f = await fixture(t)
  const courseId = await f.course('user_fold')
  const created = await f.writes.createImport({
    jobId: 'job_lifecycle',
    userId: 'user_fold',
    source: 'UPLOAD',
    noteTitle: 'Mitosis',
    courseId,
    fileName: 'mitosis.wav',
    sourceUrl: null,
    idempotencyKey: 'lifecycle-key',
  })
  const jobId = created.job.id
  t.strictSame(created.job, await loadJob(f.db, jobId), 'the API answer is the job as read back')
  t.strictSame(await f.lastEvent(jobId, 'created'), created.job, 'created')

  await f.fold(events.downloaded(jobId))
  t.strictSame(await f.lastEvent(jobId, 'started'), await loadJob(f.db, jobId), 'started')
  await f.fold(events.transcribed(jobId))
  await f.fold(events.summarized(jobId))
  const completed = await loadJob(f.db, jobId)
  t.ok(completed.note?.course, 'the completed job shows its note and the note’s course')
  t.strictSame(await f.lastEvent(jobId, 'completed'), completed, 'completed, with note and course')

  await f.writes.delete('user_fold', jobId)
  t.strictSame(await f.lastEvent(jobId, 'deleted'), completed, 'deleted, as it was before')
})

t.test('failed, retried and cancelled events carry the job as it is read back', async (t) => {
  const f = await fixture(t)
  const jobId = await f.createJob()
  await f.fold(events.failed(jobId, 1, 'download'))
  t.strictSame(await f.lastEvent(jobId, 'failed'), await loadJob(f.db, jobId), 'failed')

  const retried = await f.writes.retry('user_fold', jobId)
  t.strictSame(retried, await loadJob(f.db, jobId), 'the retry answer is the job as read back')
  t.strictSame(await f.lastEvent(jobId, 'retried'), retried, 'retried')

  const cancelled = await f.writes.cancel('user_fold', jobId)
  t.strictSame(cancelled, await loadJob(f.db, jobId), 'the cancel answer is the job as read back')
  t.strictSame(await f.lastEvent(jobId, 'cancelled'), cancelled, 'cancelled')
})

t.test('jobs started by a batch of progress carry the job as it is read back', async (t) => {
  const f = await fixture(t)
  const [first, second] = [await f.createJob(), await f.createJob()]
  await foldBatch(f.db, [
    { event: events.progress(first, 1, 'download', 0.5), transcript: null },
    { event: events.progress(second, 1, 'download', 0.25), transcript: null },
  ])
  for (const jobId of [first, second]) {
    t.strictSame(await f.lastEvent(jobId, 'started'), await loadJob(f.db, jobId), jobId)
  }
  // A single progress event, folded with the full rules, starts a job the same way.
  const third = await f.createJob()
  await f.fold(events.progress(third, 1, 'download', 0.5))
  t.strictSame(await f.lastEvent(third, 'started'), await loadJob(f.db, third), third)
})
