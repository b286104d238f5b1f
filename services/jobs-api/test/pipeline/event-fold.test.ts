import type { StageEvent, SummarizeCommand } from '@tella/contracts'
import t from 'tap'
import { events, foldFixture } from './fold-fixture.ts'

t.test('a duplicated progress event changes nothing the second time', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  t.equal(await f.fold(events.progress(jobId, 1, 'download', 0.4)), 'applied')
  const first = await f.job(jobId)
  await f.fold(events.progress(jobId, 1, 'download', 0.4))
  const second = await f.job(jobId)
  t.equal(first.status, 'IN_PROGRESS')
  t.equal(second.progress, 10)
  t.same(second.updated_at, first.updated_at)
})

t.test('progress arriving out of order never goes backwards', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.progress(jobId, 1, 'download', 0.8))
  await f.fold(events.progress(jobId, 1, 'download', 0.2))
  t.equal((await f.job(jobId)).progress, 20)
})

t.test('a late progress event of the previous stage is ignored', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.downloaded(jobId))
  t.equal(await f.fold(events.progress(jobId, 1, 'download', 0.9)), 'stale')
  const job = await f.job(jobId)
  t.equal(job.stage, 'transcribe')
  t.equal(job.progress, 25)
})

t.test('a duplicated stage result queues the next command only once', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  t.equal(await f.fold(events.downloaded(jobId)), 'applied')
  t.equal(await f.fold(events.downloaded(jobId)), 'stale')
  const commands = (await f.outboxSubjects()).filter((s) => s === 'imports.cmd.transcribe')
  t.equal(commands.length, 1)
})

t.test('a result from a superseded attempt is ignored', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.downloaded(jobId))
  t.equal(await f.fold(events.transcribed(jobId, 1)), 'stale', 'attempt 1 is not current')
  t.equal((await f.job(jobId)).stage, 'transcribe')
})

t.test('the whole path creates exactly one note and completes the job', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.downloaded(jobId))
  await f.fold(events.transcribed(jobId))
  t.equal(await f.fold(events.summarized(jobId)), 'applied')
  t.equal(await f.fold(events.summarized(jobId)), 'terminal')
  const job = await f.job(jobId)
  t.equal(job.status, 'COMPLETED')
  t.equal(job.progress, 100)
  t.equal(job.transcript, null, 'the transcript moved to the note')
  const notes = await f.notesOf(jobId)
  t.equal(notes.length, 1)
  t.equal(notes[0]?.id, job.note_id)
  t.equal(notes[0]?.transcript_text, 'cells divide by mitosis')
  const lifecycle = (await f.outboxSubjects()).filter((s) => s.startsWith('imports.lifecycle.'))
  t.same(lifecycle, [
    `imports.lifecycle.created.user_fold.${jobId}`,
    `imports.lifecycle.started.user_fold.${jobId}`,
    `imports.lifecycle.completed.user_fold.${jobId}`,
  ])
})

t.test(
  'the summarize command carries a small transcript, and only its key when large',
  async (t) => {
    const f = await foldFixture(t)
    const small = await f.createJob()
    const large = await f.createJob()
    const long = 'the second law of thermodynamics '.repeat(3_000)
    for (const [jobId, text] of [
      [small, 'cells divide by mitosis'],
      [large, long],
    ] as const) {
      await f.fold(events.downloaded(jobId))
      await f.fold(events.transcribed(jobId), { text, segments: [], engine: 'test' })
    }

    const commands = await f.db
      .selectFrom('outbox')
      .select('payload')
      .where('subject', '=', 'imports.cmd.summarize')
      .orderBy('id')
      .execute()
    const [smallCommand, largeCommand] = commands.map((row) => row.payload as SummarizeCommand)
    t.match(smallCommand, { jobId: small, transcript: { text: 'cells divide by mitosis' } })
    t.equal(largeCommand?.jobId, large)
    t.notOk(largeCommand && 'transcript' in largeCommand, `${long.length} characters stay stored`)
    t.equal(largeCommand?.transcriptKey, `${large}/transcript.json`)
  },
)

t.test('a failure ends the job with its code and later events change nothing', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.failed(jobId, 1, 'download'))
  t.equal(await f.fold(events.downloaded(jobId)), 'terminal')
  const job = await f.job(jobId)
  t.equal(job.status, 'FAILED')
  t.equal(job.error_code, 'NETWORK_TIMEOUT')
  t.equal(job.stage, 'download')
})

t.test('a cancelled job stays cancelled when its stage result arrives', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.downloaded(jobId))
  await f.fold(events.transcribed(jobId))
  await f.writes.cancel('user_fold', jobId)
  t.equal(await f.fold(events.summarized(jobId)), 'terminal')
  const job = await f.job(jobId)
  t.equal(job.status, 'FAILED')
  t.equal(job.error_code, 'CANCELLED')
  t.same(await f.notesOf(jobId), [])
})

t.test('events of an unknown or deleted job are dropped', async (t) => {
  const f = await foldFixture(t)
  t.equal(await f.fold(events.downloaded('job_doesnotexist')), 'unknown-job')
})

t.test(
  'cancel racing completion ends in one terminal state that the API agrees with',
  async (t) => {
    const f = await foldFixture(t)
    const outcomes = { cancelled: 0, completed: 0 }
    for (let round = 0; round < 20; round++) {
      const jobId = await f.createJob()
      await f.fold(events.downloaded(jobId))
      await f.fold(events.transcribed(jobId))
      const [cancel] = await Promise.allSettled([
        f.writes.cancel('user_fold', jobId),
        f.fold(events.summarized(jobId)),
      ])
      const job = await f.job(jobId)
      const notes = await f.notesOf(jobId)
      if (cancel.status === 'fulfilled') {
        outcomes.cancelled++
        t.equal(job.error_code, 'CANCELLED', `round ${round}: cancel won`)
        t.equal(notes.length, 0, `round ${round}: no note after a successful cancel`)
      } else {
        outcomes.completed++
        t.match(cancel.reason, { code: 'JOB_NOT_CANCELLABLE' }, `round ${round}: cancel refused`)
        t.equal(job.status, 'COMPLETED', `round ${round}: completion won`)
        t.equal(notes.length, 1, `round ${round}: exactly one note`)
      }
    }
    t.equal(outcomes.cancelled + outcomes.completed, 20)
  },
)

t.test(
  'a title the user typed survives the video title; the upload date dates the note',
  async (t) => {
    const f = await foldFixture(t)
    for (const titleFromUser of [true, false]) {
      const jobId = `job_yt${titleFromUser ? 'typed' : 'none'}`
      await f.writes.createImport({
        jobId,
        userId: 'user_fold',
        source: 'YOUTUBE',
        noteTitle: titleFromUser ? 'Biology 5' : 'YouTube video dQw4w9WgXcQ',
        titleFromUser,
        courseId: null,
        fileName: null,
        sourceUrl: `https://www.youtube.com/watch?v=dQw4w9WgXc${titleFromUser ? 'A' : 'B'}`,
        idempotencyKey: null,
      })
      const downloaded = { ...events.downloaded(jobId), title: 'Cell Division' }
      await f.fold({ ...downloaded, uploadDate: '2023-09-21' } as StageEvent)
      await f.fold(events.transcribed(jobId))
      await f.fold(events.summarized(jobId))
      const [note] = await f.notesOf(jobId)
      t.equal(note?.title, titleFromUser ? 'Biology 5' : 'Cell Division')
      t.equal(note?.date, '2023-09-21')
    }
  },
)
