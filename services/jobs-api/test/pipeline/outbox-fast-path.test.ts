import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { consumers, type StageEvent, streams, subjects } from '@tella/contracts'
import { connectNats, encodeJson, ensureTopology } from '@tella/platform'
import { createTestDatabase, freezeProcess, startNatsServer, waitFor } from '@tella/test-support'
import { sql } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { EventConsumer } from '../../src/pipeline/event-consumer.ts'
import { JobWrites } from '../../src/pipeline/job-writes.ts'
import { MediaStore } from '../../src/pipeline/media-store.ts'
import type { OutboxRow } from '../../src/pipeline/outbox.ts'
import { OutboxFastPath } from '../../src/pipeline/outbox-fast-path.ts'
import { OutboxRelay } from '../../src/pipeline/outbox-relay.ts'
import { events, uploadedLecture } from './fold-fixture.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A fast path whose writer died right after the commit, before publishing anything. */
class DiesBeforePublishing extends OutboxFastPath {
  override send(_rows: OutboxRow[]): void {}
}

/** A fast path whose writer died after the broker's acks, before deleting the rows. */
class DiesBeforeDeleting extends OutboxFastPath {
  protected override async remove(): Promise<void> {}
}

/**
 * A private database and NATS server, the writers under test with the fast path of `holdMs`,
 * and no relay unless a test starts one.
 */
async function fastPathFixture(t: Test) {
  const [database, server] = await Promise.all([createTestDatabase(), startNatsServer()])
  const { db, pool } = createDatabase(database.url)
  await migrateToLatest(db)
  const nc = await connectNats({ url: server.url, name: 'fast-path-test' })
  await ensureTopology(nc)
  const media = await MediaStore.open(nc)
  const warnings: string[] = []
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) })
  const stops: Array<() => Promise<void>> = []
  t.teardown(async () => {
    for (const stop of stops.reverse()) await stop()
    await nc.close()
    await db.destroy()
    await server.stop()
    await database.drop()
  })
  const jsm = await jetstreamManager(nc)
  let jobs = 0

  return {
    db,
    databaseUrl: database.url,
    nc,
    server,
    warnings,
    fastPath(holdMs: number, kind = OutboxFastPath, connection = nc) {
      const fastPath = new kind(db, connection, logger, holdMs)
      stops.push(() => fastPath.stop())
      return fastPath
    },
    async startRelay() {
      const relay = new OutboxRelay(db, pool, nc, media, logger)
      stops.push(() => relay.stop())
      await relay.start()
    },
    async startConsumer(fastPath: OutboxFastPath) {
      const consumer = new EventConsumer(db, nc, media, logger, new Registry(), fastPath)
      stops.push(() => consumer.stop())
      await consumer.start()
    },
    createJob(writes: JobWrites) {
      jobs += 1
      return writes.createImport(
        uploadedLecture(`job_fastpath${jobs}`, 'user_fastpath', `Lecture ${jobs}`),
      )
    },
    publishEvent: (event: StageEvent) =>
      jetstream(nc).publish(subjects.event(event.stage, event.kind), encodeJson(event)),
    stored: async (stream: string) => (await jsm.streams.info(stream)).state.messages,
    eventsPending: async () => {
      const info = await jsm.consumers.info(streams.events, consumers.jobsApi)
      return info.num_ack_pending + info.num_pending
    },
    outbox: () => db.selectFrom('outbox').selectAll().orderBy('id').execute(),
    job: (jobId: string) =>
      db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow(),
  }
}

t.test('an import’s command and created event go out with no relay running', async (t) => {
  const f = await fastPathFixture(t)
  const writes = new JobWrites(f.db, 10, f.fastPath(15_000))
  await f.createJob(writes)
  await waitFor(async () => (await f.outbox()).length === 0, {
    timeoutMs: 5_000,
    what: 'the fast path to publish and delete the rows',
  })
  t.equal(await f.stored(streams.commands), 1, 'the download command is in its stream')
  t.equal(await f.stored(streams.lifecycle), 1, 'the created event is in its stream')
  t.same(f.warnings, [], 'nothing was logged')
})

t.test('a stage result’s next command goes out with no relay running', async (t) => {
  const f = await fastPathFixture(t)
  const fastPath = f.fastPath(15_000)
  const { job } = await f.createJob(new JobWrites(f.db, 10, fastPath))
  await f.startConsumer(fastPath)
  await f.publishEvent(events.downloaded(job.id))
  await waitFor(async () => (await f.stored(streams.commands)) === 2, {
    timeoutMs: 5_000,
    what: 'the transcribe command to be published',
  })
  await waitFor(async () => (await f.outbox()).length === 0, {
    timeoutMs: 5_000,
    what: 'the fast path to delete the rows it published',
  })
  t.equal((await f.job(job.id)).stage, 'transcribe', 'the job moved on')
  t.equal(await f.stored(streams.lifecycle), 2, 'created and started are in their stream')
})

t.test('an import is answered while NATS is not answering the fast path', async (t) => {
  const f = await fastPathFixture(t)
  const writes = new JobWrites(f.db, 10, f.fastPath(15_000))
  const pid = f.server.process.pid as number
  await freezeProcess(pid)
  t.teardown(() => {
    process.kill(pid, 'SIGCONT')
  })
  const started = performance.now()
  await f.createJob(writes)
  const answeredMs = performance.now() - started
  t.ok(answeredMs < 2_000, `answered in ${Math.round(answeredMs)} ms, not after the broker`)
  t.equal((await f.outbox()).length, 2, 'the rows wait, held, while the broker is frozen')

  process.kill(pid, 'SIGCONT')
  await waitFor(async () => (await f.outbox()).length === 0, {
    timeoutMs: 10_000,
    what: 'the fast path to finish once the broker answers',
  })
  t.equal(await f.stored(streams.commands), 1, 'the command went out once')
})

t.test('rows of a writer that died after the commit go out once due, not before', async (t) => {
  const f = await fastPathFixture(t)
  const holdMs = 3_000
  const writes = new JobWrites(f.db, 10, f.fastPath(holdMs, DiesBeforePublishing))
  const listener = new pg.Client({ connectionString: f.databaseUrl })
  await listener.connect()
  t.teardown(() => listener.end())
  let notified = 0
  listener.on('notification', () => {
    notified += 1
  })
  await listener.query('LISTEN imports_outbox')
  const committed = performance.now()
  const { job } = await f.createJob(writes)
  await sleep(200)
  t.equal(notified, 0, 'a transaction of held rows only does not wake the relay')
  await writes.cancel('user_fastpath', job.id)
  await waitFor(() => notified === 1, { timeoutMs: 2_000, what: 'the media purge to notify' })

  const rows = await f.db
    .selectFrom('outbox')
    .select(['kind', 'subject'])
    .select(sql<boolean>`dispatch_after > now()`.as('held'))
    .orderBy('id')
    .execute()
  t.same(
    rows.map((row) => [row.kind, row.held]),
    [
      ['publish', true],
      ['publish', true],
      ['publish', true],
      ['purge-media', false],
      ['publish', true],
    ],
    'commands, lifecycle events and the cancellation are held; the media purge is not',
  )
  await f.startRelay()
  await waitFor(async () => (await f.outbox()).length === 4, {
    timeoutMs: holdMs / 2,
    what: 'the relay to take the media purge at once',
  })
  await sleep(holdMs / 4)
  t.equal(await f.stored(streams.commands), 0, 'the relay leaves held rows alone')
  t.equal((await f.outbox()).length, 4, 'they wait for the hold to end')

  await waitFor(async () => (await f.outbox()).length === 0, {
    timeoutMs: holdMs + 5_000,
    what: 'the relay to send the held rows once due',
  })
  const waitedMs = performance.now() - committed
  t.ok(waitedMs >= holdMs, `sent ${Math.round(waitedMs)} ms after the commit`)
  t.equal(await f.stored(streams.commands), 1, 'the download command, once')
  t.equal(await f.stored(streams.lifecycle), 2, 'the created and cancelled events, once each')
})

t.test('rows a dead writer had published are stored once when the relay sends them', async (t) => {
  const f = await fastPathFixture(t)
  const holdMs = 1_000
  const writes = new JobWrites(f.db, 10, f.fastPath(holdMs, DiesBeforeDeleting))
  await f.createJob(writes)
  await waitFor(async () => (await f.stored(streams.lifecycle)) === 1, {
    timeoutMs: 5_000,
    what: 'the fast path to publish',
  })
  t.equal((await f.outbox()).length, 2, 'the published rows were not deleted')

  await f.startRelay()
  await waitFor(async () => (await f.outbox()).length === 0, {
    timeoutMs: holdMs + 5_000,
    what: 'the relay to send the rows again once due',
  })
  t.equal(await f.stored(streams.commands), 1, 'the broker dropped the second command')
  t.equal(await f.stored(streams.lifecycle), 1, 'and the second created event')
})

t.test(
  'a fast path that cannot publish fails neither the import nor the fold; the relay sends',
  async (t) => {
    const f = await fastPathFixture(t)
    const closed = await connectNats({ url: f.server.url, name: 'fast-path-closed' })
    await closed.close()
    // A long hold: the rows must go out because the failure releases them, not because it ended.
    const broken = f.fastPath(60_000, OutboxFastPath, closed)
    const { job } = await f.createJob(new JobWrites(f.db, 10, broken))
    await f.startConsumer(broken)
    await f.publishEvent(events.downloaded(job.id))
    await waitFor(async () => (await f.job(job.id)).stage === 'transcribe', {
      timeoutMs: 5_000,
      what: 'the download result to be folded',
    })
    await waitFor(async () => (await f.eventsPending()) === 0, {
      timeoutMs: 5_000,
      what: 'the event to be acknowledged',
    })
    t.pass('the import was created and its result folded and acknowledged')

    await f.startRelay()
    await waitFor(async () => (await f.stored(streams.commands)) === 2, {
      timeoutMs: 5_000,
      what: 'the relay to send the released rows',
    })
    t.equal(await f.stored(streams.lifecycle), 2, 'created and started went out too')
    t.ok(
      f.warnings.some((line) => line.includes('outbox fast path could not publish')),
      'a warning says the relay sends the rows',
    )
  },
)
