import t from 'tap'
import { foldBatch } from '../../src/pipeline/batch-fold.ts'
import { events, foldFixture, sampleTranscript } from './fold-fixture.ts'

const entry = (event: ReturnType<typeof events.progress>, transcript = null) => ({
  event,
  transcript,
})

t.test('a batch of duplicated and reordered progress keeps the highest value', async (t) => {
  const f = await foldFixture(t)
  const [a, b] = [await f.createJob(), await f.createJob()]
  const outcomes = await foldBatch(f.db, [
    entry(events.progress(a, 1, 'download', 0.8)),
    entry(events.progress(b, 1, 'download', 0.2)),
    entry(events.progress(a, 1, 'download', 0.4)),
    entry(events.progress(a, 1, 'download', 0.8)),
  ])
  t.same(outcomes, ['applied', 'applied', 'applied', 'applied'])
  t.equal((await f.job(a)).progress, 20)
  t.equal((await f.job(b)).progress, 5)
  const started = (await f.outboxSubjects()).filter((s) => s.includes('.started.'))
  t.equal(started.length, 2, 'each job that started gets one started event')

  await foldBatch(f.db, [entry(events.progress(a, 1, 'download', 0.1))])
  t.equal((await f.job(a)).progress, 20, 'a later, lower value does not lower it')
  const again = (await f.outboxSubjects()).filter((s) => s.includes('.started.'))
  t.equal(again.length, 2, 'no second started event')
})

t.test('progress and a result of one job in one batch apply in arrival order', async (t) => {
  const f = await foldFixture(t)
  const jobId = await f.createJob()
  const outcomes = await foldBatch(f.db, [
    entry(events.progress(jobId, 1, 'download', 0.5)),
    entry(events.downloaded(jobId)),
    entry(events.progress(jobId, 1, 'download', 0.9)),
    entry(events.progress(jobId, 2, 'transcribe', 0.5)),
  ])
  t.same(outcomes, ['applied', 'applied', 'stale', 'applied'])
  const job = await f.job(jobId)
  t.equal(job.stage, 'transcribe')
  t.equal(job.progress, 50)
})

t.test('a batch never touches terminal, unknown or superseded jobs', async (t) => {
  const f = await foldFixture(t)
  const done = await f.createJob()
  await foldBatch(f.db, [
    entry(events.downloaded(done)),
    { event: events.transcribed(done), transcript: sampleTranscript },
    entry(events.summarized(done)),
  ])
  t.equal((await f.job(done)).status, 'COMPLETED')
  const moved = await f.createJob()
  await foldBatch(f.db, [entry(events.downloaded(moved))])

  const outcomes = await foldBatch(f.db, [
    entry(events.progress(done, 3, 'download', 0.5)),
    entry(events.progress('job_missing', 1, 'download', 0.5)),
    entry(events.progress(moved, 1, 'download', 0.99)),
  ])
  t.same(outcomes, ['stale', 'stale', 'stale'])
  t.equal((await f.job(done)).progress, 100)
  t.equal((await f.job(moved)).progress, 25)
  t.equal((await f.notesOf(done)).length, 1)
})
