import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { streams } from '@tella/contracts'
import { connectNats, encodeJson, ensureTopology } from '@tella/platform'
import { createTestDatabase, startNatsServer } from '@tella/test-support'
import pg from 'pg'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { JobWrites } from '../../src/pipeline/job-writes.ts'
import { MediaStore } from '../../src/pipeline/media-store.ts'
import { OutboxRelay } from '../../src/pipeline/outbox-relay.ts'
import { uploadedLecture } from './fold-fixture.ts'

async function relayFixture(t: Test) {
  const [database, server] = await Promise.all([createTestDatabase(), startNatsServer()])
  const { db, pool } = createDatabase(database.url)
  await migrateToLatest(db)
  const nc = await connectNats({ url: server.url, name: 'relay-test' })
  await ensureTopology(nc)
  const media = await MediaStore.open(nc)
  const relays: OutboxRelay[] = []
  t.teardown(async () => {
    for (const relay of relays) await relay.stop()
    await nc.close()
    await db.destroy()
    await server.stop()
    await database.drop()
  })
  const newRelay = () => {
    const relay = new OutboxRelay(db, pool, nc, media, pino({ level: 'silent' }))
    relays.push(relay)
    return relay
  }
  const writes = new JobWrites(db, 100)
  const createJobs = async (count: number) => {
    for (let index = 0; index < count; index++) {
      await writes.createImport(
        uploadedLecture(`job_relay${index}`, 'user_relay', `Lecture ${index}`),
      )
    }
  }
  const streamCount = async (stream: string) => {
    const jsm = await jetstreamManager(nc)
    return (await jsm.streams.info(stream)).state.messages
  }
  const outboxRows = async () =>
    Number(
      (
        await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    )
  return { db, nc, newRelay, createJobs, streamCount, outboxRows, databaseUrl: database.url }
}

t.test('rows committed while no relay ran are published once when one starts', async (t) => {
  const f = await relayFixture(t)
  await f.createJobs(30)
  t.equal(await f.outboxRows(), 60, 'a command and a lifecycle event per job wait in the outbox')
  t.equal(await f.streamCount(streams.commands), 0)

  const sent = await f.newRelay().drainOnce()
  t.equal(sent, 60)
  t.equal(await f.streamCount(streams.commands), 30)
  t.equal(await f.streamCount(streams.lifecycle), 30)
  t.equal(await f.outboxRows(), 0)
})

t.test('a relay that died after publishing but before deleting causes no duplicate', async (t) => {
  const f = await relayFixture(t)
  await f.createJobs(5)
  // Publish every row as the dead relay did, without deleting them.
  const rows = await f.db.selectFrom('outbox').selectAll().execute()
  const js = jetstream(f.nc)
  for (const row of rows) {
    await js.publish(row.subject, encodeJson(row.payload), { msgID: row.msg_id })
  }
  await f.newRelay().drainOnce()
  t.equal(await f.streamCount(streams.commands), 5, 'each command is in the stream once')
  t.equal(await f.streamCount(streams.lifecycle), 5, 'each lifecycle event is there once')
})

t.test('two relays draining the same outbox publish each row once', async (t) => {
  const f = await relayFixture(t)
  await f.createJobs(40)
  const [first, second] = [f.newRelay(), f.newRelay()]
  const sent = await Promise.all([first.drainOnce(), second.drainOnce()])
  t.equal(sent[0] + sent[1], 80, 'the two batches split the rows between them')
  t.equal(await f.streamCount(streams.commands), 40)
  t.equal(await f.outboxRows(), 0)
})

t.test('a running relay publishes a new row without waiting for its poll', async (t) => {
  const f = await relayFixture(t)
  const relay = f.newRelay()
  await relay.start()
  await new Promise((resolve) => setTimeout(resolve, 1_200))
  const started = performance.now()
  await f.createJobs(1)
  while ((await f.streamCount(streams.commands)) < 1) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const latencyMs = performance.now() - started
  t.ok(latencyMs < 500, `published ${latencyMs.toFixed(0)} ms after commit (LISTEN/NOTIFY)`)
})

t.test('a stopped relay survives its database connections being terminated', async (t) => {
  const f = await relayFixture(t)
  const relay = f.newRelay()
  await relay.start()
  await relay.stop()
  // Dropping a test database terminates every connection; this used to release the
  // LISTEN connection a second time and crash the process.
  const admin = new pg.Client({ connectionString: f.databaseUrl })
  await admin.connect()
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()`)
  await admin.end()
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.pass('no error escaped')
})
