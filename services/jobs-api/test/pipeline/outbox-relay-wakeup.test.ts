import { jetstreamManager } from '@nats-io/jetstream'
import { streams } from '@tella/contracts'
import { connectNats, ensureTopology } from '@tella/platform'
import { createTestDatabase, startNatsServer } from '@tella/test-support'
import { pino } from 'pino'
import t from 'tap'
import { createDatabase, migrateToLatest } from '../../src/db/database.ts'
import { JobWrites } from '../../src/pipeline/job-writes.ts'
import { MediaStore } from '../../src/pipeline/media-store.ts'
import { OutboxRelay } from '../../src/pipeline/outbox-relay.ts'
import { uploadedLecture } from './fold-fixture.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test(
  'a row committed while the relay drains goes out at once, not a poll (1 s) later',
  async (t) => {
    const [database, server] = await Promise.all([createTestDatabase(), startNatsServer()])
    const { db, pool } = createDatabase(database.url)
    await migrateToLatest(db)
    const nc = await connectNats({ url: server.url, name: 'relay-wakeup-test' })
    await ensureTopology(nc)
    const media = await MediaStore.open(nc)
    const writes = new JobWrites(db, 10)

    let committedAt = 0
    let commitDuringDrain = true
    /** Commits a job after the drain's select, and lets its notification arrive mid-drain. */
    class DrainWithCommit extends OutboxRelay {
      override async drainOnce(): Promise<number> {
        const sent = await super.drainOnce()
        if (commitDuringDrain) {
          commitDuringDrain = false
          await writes.createImport(uploadedLecture('job_wakeup', 'user_wakeup'))
          committedAt = performance.now()
          await sleep(100)
        }
        return sent
      }
    }
    const relay = new DrainWithCommit(db, pool, nc, media, pino({ level: 'silent' }))
    t.teardown(async () => {
      await relay.stop()
      await nc.close()
      await db.destroy()
      await server.stop()
      await database.drop()
    })

    await relay.start()
    const jsm = await jetstreamManager(nc)
    let publishedAt = 0
    for (let tries = 0; tries < 150 && publishedAt === 0; tries++) {
      if ((await jsm.streams.info(streams.commands)).state.messages > 0) {
        publishedAt = performance.now()
      } else await sleep(20)
    }
    t.ok(publishedAt > 0, 'the download command was published')
    t.ok(
      publishedAt - committedAt < 600,
      `published ${Math.round(publishedAt - committedAt)} ms after commit`,
    )
  },
)
