import t from 'tap'
import { events, foldFixture, sampleTranscript } from './fold-fixture.ts'

t.test('a job that failed in transcription is retried from transcription', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  await f.fold(events.downloaded(jobId))
  await f.fold(events.failed(jobId, 2, 'transcribe'))
  t.equal((await f.job(jobId)).status, 'FAILED')

  const retried = await f.writes.retry('user_fold', jobId)
  t.match(retried, { status: 'PENDING', stage: 'transcribe', progress: 25, errorCode: null })
  const row = await f.job(jobId)
  t.equal(row.attempt, 3, 'a new attempt fences off the failed one')
  const commands = await f.db
    .selectFrom('outbox')
    .select(['subject', 'payload'])
    .where('subject', '=', 'imports.cmd.transcribe')
    .execute()
  t.equal(commands.length, 2)
  t.match(commands[1]?.payload, {
    jobId,
    attempt: 3,
    audioKey: `${jobId}/audio.wav`,
    durationSec: 12.5,
  })

  t.equal(await f.fold(events.transcribed(jobId, 2)), 'stale', 'the old attempt is ignored')
  t.equal(await f.fold(events.transcribed(jobId, 3), sampleTranscript), 'applied')
  await f.fold(events.summarized(jobId, 4))
  t.equal((await f.job(jobId)).status, 'COMPLETED')
  t.equal((await f.notesOf(jobId)).length, 1)
})

t.test('cancelled, completed and active jobs cannot be retried', async (t) => {
  const f = await foldFixture(t)
  const cancelled = await f.createJob()
  await f.writes.cancel('user_fold', cancelled)
  await t.rejects(f.writes.retry('user_fold', cancelled), { code: 'JOB_NOT_RETRYABLE' })

  const active = await f.createJob()
  await t.rejects(f.writes.retry('user_fold', active), { code: 'JOB_NOT_RETRYABLE' })
  await t.rejects(f.writes.retry('someone_else', active), { code: 'JOB_NOT_FOUND' })
})
