import { jetstreamManager } from '@nats-io/jetstream'
import { streams } from '@tella/contracts'
import { connectNats, ensureTopology } from '@tella/platform'
import { startNatsServer, startPostgresServer, waitFor } from '@tella/test-support'
import pg from 'pg'
import { pino } from 'pino'
import t from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { JobWrites } from '../../src/pipeline/job-writes.ts'
import { MediaStore } from '../../src/pipeline/media-store.ts'
import { OutboxRelay } from '../../src/pipeline/outbox-relay.ts'
import { uploadedLecture } from './fold-fixture.ts'

t.test('after a Postgres restart shorter than its poll, the relay LISTENs again', async (t) => {
  const [postgres, server] = await Promise.all([startPostgresServer(), startNatsServer()])
  t.teardown(() => Promise.all([postgres.destroy(), server.stop()]))
  const { url } = await postgres.createDatabase()
  const { db, pool } = createDatabase(url)
  await migrateToLatest(db)
  const nc = await connectNats({ url: server.url, name: 'relay-restart-test' })
  await ensureTopology(nc)
  const relay = new OutboxRelay(db, pool, nc, await MediaStore.open(nc), pino({ level: 'silent' }))
  t.teardown(async () => {
    await relay.stop()
    await nc.close()
    await db.destroy()
  })
  const jsm = await jetstreamManager(nc)
  const commands = async () => (await jsm.streams.info(streams.commands)).state.messages
  const writes = new JobWrites(db, 10)
  const createJob = (jobId: string) =>
    writes.createImport(uploadedLecture(jobId, 'user_relay_restart'))
  const listening = async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rowCount } = await client.query(
        `select 1 from pg_stat_activity where datname = current_database()
           and pid <> pg_backend_pid() and query ilike 'LISTEN%'`,
      )
      return (rowCount ?? 0) > 0
    } finally {
      await client.end()
    }
  }

  await relay.start()
  t.ok(await listening(), 'the relay LISTENs at start')
  await createJob('job_beforerestart')
  await waitFor(async () => (await commands()) === 1, {
    timeoutMs: 10_000,
    what: 'the first command to be published',
  })

  // Right after a drain the relay sleeps for its 1 s poll; the restart takes a fraction of
  // that, so no drain fails and only the lost LISTEN connection tells of it.
  await postgres.stop()
  await postgres.start()
  await waitFor(listening, { timeoutMs: 10_000, what: 'the relay to LISTEN again' })
  t.pass('the relay LISTENs on the restarted server')

  await createJob('job_afterrestart')
  await waitFor(async () => (await commands()) === 2, {
    timeoutMs: 10_000,
    what: 'the command of a job created after the restart',
  })
  t.pass('a job created after the restart has its command published')
})
