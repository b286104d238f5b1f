import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { consumers, type StageEvent, streams, subjects } from '@tella/contracts'
import { connectNats, encodeJson, ensureTopology } from '@tella/platform'
import { createTestDatabase, startNatsServer, waitFor } from '@tella/test-support'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { EventConsumer } from '../../src/pipeline/event-consumer.ts'
import { foldEvent } from '../../src/pipeline/event-fold.ts'
import { JobWrites } from '../../src/pipeline/job-writes.ts'
import { MediaStore } from '../../src/pipeline/media-store.ts'
import { events, uploadedLecture } from './fold-fixture.ts'

/** jobs-api's event consumer on a private NATS server and database, not yet started. */
async function consumerFixture(t: Test) {
  const [database, server] = await Promise.all([createTestDatabase(), startNatsServer()])
  const { db } = createDatabase(database.url)
  await migrateToLatest(db)
  const nc = await connectNats({ url: server.url, name: 'event-consumer-test' })
  await ensureTopology(nc)
  const media = await MediaStore.open(nc)
  const consumer = new EventConsumer(db, nc, media, pino({ level: 'silent' }), new Registry())
  t.teardown(async () => {
    await consumer.stop()
    await nc.close()
    await db.destroy()
    await server.stop()
    await database.drop()
  })
  const js = jetstream(nc)
  const jsm = await jetstreamManager(nc)
  const writes = new JobWrites(db, 10_000)
  let jobs = 0

  return {
    db,
    nc,
    consumer,
    media,
    info: () => jsm.consumers.info(streams.events, consumers.jobsApi),
    publish: (event: StageEvent) =>
      js.publish(subjects.event(event.stage, event.kind), encodeJson(event)),
    publishRaw: (subject: string, data: string) => js.publish(subject, data),
    async createJob() {
      jobs += 1
      const jobId = `job_consumer${jobs}`
      await writes.createImport(uploadedLecture(jobId, 'user_consumer', `Lecture ${jobs}`))
      return jobId
    },
    job: (jobId: string) =>
      db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow(),
  }
}

t.test('an unreadable event is terminated, and the events after it are folded', async (t) => {
  const f = await consumerFixture(t)
  const terminated: number[] = []
  const advisories = f.nc.subscribe(
    `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${streams.events}.${consumers.jobsApi}`,
  )
  void (async () => {
    for await (const advisory of advisories) {
      terminated.push((advisory.json() as { stream_seq: number }).stream_seq)
    }
  })()
  t.teardown(() => advisories.unsubscribe())
  const jobId = await f.createJob()

  const garbled = await f.publishRaw(subjects.event('download', 'progress'), '{"kind": "progr')
  const progress = await f.publish(events.progress(jobId, 1, 'download', 0.5))
  await f.consumer.start()
  await waitFor(async () => (await f.job(jobId)).progress > 0, {
    timeoutMs: 10_000,
    what: 'the progress after the garbled event to be folded',
  })
  t.ok(progress.seq > garbled.seq, 'the readable event came after the garbled one')

  // A later batch: an event of the wrong shape, then the stage's result.
  const misshapen = await f.publish({ kind: 'completed', jobId } as unknown as StageEvent)
  await f.publish(events.downloaded(jobId))
  await waitFor(async () => (await f.job(jobId)).stage === 'transcribe', {
    timeoutMs: 10_000,
    what: 'the download result after the misshapen event to be folded',
  })
  await waitFor(() => terminated.length === 2, {
    timeoutMs: 5_000,
    what: 'two terminated-message advisories',
  })
  t.same(terminated, [garbled.seq, misshapen.seq], 'each unreadable event was terminated')
  const info = await f.info()
  t.equal(info.num_ack_pending, 0, 'nothing is left unacknowledged')
  t.equal(info.num_redelivered, 0, 'nothing was delivered twice')
})

t.test(
  'a transcribe result whose transcript is missing is retried, and fails its job at delivery 5',
  async (t) => {
    const f = await consumerFixture(t)
    const jobId = await f.createJob()
    await f.db.transaction().execute((trx) => foldEvent(trx, events.downloaded(jobId), null))
    t.equal((await f.job(jobId)).stage, 'transcribe', 'the job is transcribing')

    // Its transcript object was never written to the store.
    await f.publish(events.transcribed(jobId, 2))
    const started = performance.now()
    await f.consumer.start()
    await waitFor(async () => (await f.job(jobId)).status === 'FAILED', {
      timeoutMs: 30_000,
      what: 'the job to fail for its lost transcript',
    })
    t.comment(`failed ${Math.round(performance.now() - started)} ms after the consumer started`)
    const job = await f.job(jobId)
    t.equal(job.error_code, 'TRANSCRIPTION_FAILED', 'with code TRANSCRIPTION_FAILED')
    t.match(job.error_message, /transcript was lost/u, 'saying the transcript was lost')
    t.equal(job.note_id, null, 'no note was made')

    await waitFor(async () => (await f.info()).num_ack_pending === 0, {
      timeoutMs: 5_000,
      what: 'the last delivery to be acknowledged',
    })
    const info = await f.info()
    t.equal(info.delivered.consumer_seq, 5, 'the one event was delivered 5 times')
    t.equal(info.num_pending, 0, 'and is not delivered again')
  },
)

t.test('a transcribe result carrying its transcript is folded without the store', async (t) => {
  const f = await consumerFixture(t)
  const jobId = await f.createJob()
  await f.db.transaction().execute((trx) => foldEvent(trx, events.downloaded(jobId), null))
  const transcript = { text: 'heat flows from hot to cold', segments: [], engine: 'test' }

  // No object under its key: only the copy in the event can be folded.
  await f.publish({ ...events.transcribed(jobId, 2), transcript } as StageEvent)
  await f.consumer.start()

  await waitFor(async () => (await f.job(jobId)).stage === 'summarize', {
    timeoutMs: 10_000,
    what: 'the job to reach the summarize stage',
  })
  t.match((await f.job(jobId)).transcript, transcript, 'the job holds the transcript')
})

t.test('every ack of a large batch reaches the server', async (t) => {
  const f = await consumerFixture(t)
  const jobIds: string[] = []
  for (let index = 0; index < 200; index++) jobIds.push(await f.createJob())
  const published: Array<Promise<unknown>> = []
  for (const jobId of jobIds) {
    published.push(f.publish(events.progress(jobId, 1, 'download', 0.2)))
    published.push(f.publish(events.progress(jobId, 1, 'download', 0.6)))
    published.push(f.publish(events.downloaded(jobId)))
  }
  await Promise.all(published)

  // Started after the 600 events are stored, so the first pull takes them all in one batch.
  await f.consumer.start()
  await waitFor(
    async () => {
      const row = await f.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<string>().as('moved'))
        .where('stage', '=', 'transcribe')
        .executeTakeFirstOrThrow()
      return Number(row.moved) === jobIds.length
    },
    { timeoutMs: 30_000, what: 'every job to reach the transcribe stage' },
  )
  // The ack wait is 30 s: an ack lost on the way would keep its event pending that long.
  await waitFor(
    async () => {
      const info = await f.info()
      return info.num_ack_pending === 0 && info.num_pending === 0
    },
    { timeoutMs: 5_000, what: 'every event to be acknowledged' },
  )
  const info = await f.info()
  t.equal(info.delivered.consumer_seq, 600, 'each of the 600 events was delivered once')
  t.equal(info.num_redelivered, 0, 'none was delivered again')
  t.equal(info.num_ack_pending, 0, 'none awaits an ack')
})

t.test(
  'a result that cannot be folded fails its own job at delivery 5 and holds back no other',
  async (t) => {
    const f = await consumerFixture(t)
    const [poisoned, healthy] = [await f.createJob(), await f.createJob()]
    for (const jobId of [poisoned, healthy]) {
      await f.db.transaction().execute((trx) => foldEvent(trx, events.downloaded(jobId), null))
    }
    // The transcript object exists but is not a transcript: every fold of its result throws.
    const notATranscript = new TextEncoder().encode('{"segments": "none of them"}')
    await f.media.store.putBlob({ name: `${poisoned}/transcript.json` }, notATranscript)

    // Both in one batch: the healthy job's progress must not wait for the poisoned result.
    await f.publish(events.transcribed(poisoned, 2))
    await f.publish(events.progress(healthy, 2, 'transcribe', 0.5))
    await f.consumer.start()
    await waitFor(async () => (await f.job(healthy)).progress === 50, {
      timeoutMs: 10_000,
      what: 'the healthy job to be folded while the other result is retried',
    })
    t.equal((await f.job(poisoned)).status, 'IN_PROGRESS', 'the poisoned job is not failed at once')

    await waitFor(async () => (await f.job(poisoned)).status === 'FAILED', {
      timeoutMs: 30_000,
      what: 'the job whose result cannot be folded to fail',
    })
    const job = await f.job(poisoned)
    t.equal(job.error_code, 'INTERNAL_ERROR', 'with code INTERNAL_ERROR')
    t.match(job.error_message, /transcribe result could not be applied/u)
    t.equal(job.note_id, null, 'no note was made')
    await waitFor(
      async () => {
        const info = await f.info()
        return info.num_ack_pending === 0 && info.num_pending === 0
      },
      { timeoutMs: 5_000, what: 'the poisoned result to be terminated' },
    )
    t.equal((await f.info()).delivered.consumer_seq, 6, 'delivered 5 times, the progress once')
  },
)
