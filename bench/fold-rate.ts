import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { consumers, streams, subjects } from '@tella/contracts'
import { createDatabase, EventConsumer, MediaStore, migrateToLatest } from '@tella/jobs-api/testing'
import { connectNats, encodeJson, ensureTopology } from '@tella/platform'
import { createTestDatabase, startNatsServer } from '@tella/test-support'
import { pino } from 'pino'
import { Registry } from 'prom-client'

/**
 * How fast jobs-api folds progress events into Postgres, next to how fast a bare consumer of
 * the same durable only acknowledges the same number of events, in the same run. Aim: the
 * fold rate is at least half the bare rate. Exit code 1 when it is not.
 *
 * Usage: pnpm --filter @tella/bench fold-rate [events] [jobs]
 */
const eventCount = Number(process.argv[2] ?? 20_000)
const jobCount = Number(process.argv[3] ?? 500)

const [database, server] = await Promise.all([createTestDatabase(), startNatsServer()])
const { db } = createDatabase(database.url, 10)
const nc = await connectNats({ url: server.url, name: 'fold-bench' })
try {
  await migrateToLatest(db)
  await ensureTopology(nc)
  await seedJobs()
  const js = jetstream(nc)
  const jsm = await jetstreamManager(nc)

  await publishProgress(js, 0)
  const bareRate = await bareAckRate()

  await publishProgress(js, 1)
  const media = await MediaStore.open(nc)
  const folder = new EventConsumer(db, nc, media, pino({ level: 'silent' }), new Registry())
  const started = performance.now()
  await folder.start()
  await waitUntilDrained(jsm)
  const foldRate = eventCount / ((performance.now() - started) / 1000)
  await folder.stop()

  const ratio = foldRate / bareRate
  console.log(`events ${eventCount} over ${jobCount} jobs`)
  console.log(`  bare consumer, ack only   ${bareRate.toFixed(0)} events/s`)
  console.log(`  jobs-api fold into Postgres ${foldRate.toFixed(0)} events/s`)
  console.log(`  ratio ${ratio.toFixed(2)} (aim ≥ 0.50)`)
  const check = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('progress').as('min'))
    .executeTakeFirstOrThrow()
  console.log(`  lowest job progress after folding: ${check.min} (expected 24)`)
  if (ratio < 0.5 || Number(check.min) !== 24) process.exitCode = 1
} finally {
  await nc.close()
  await db.destroy()
  await server.stop()
  await database.drop()
}

async function seedJobs() {
  const rows = Array.from({ length: jobCount }, (_, index) => ({
    id: `job_bench${index}`,
    user_id: `user_${index % 50}`,
    title: 'Processing: bench',
    note_title: 'bench',
    status: 'IN_PROGRESS' as const,
    progress: 0,
    source: 'UPLOAD' as const,
    stage: 'download' as const,
    attempt: 1,
  }))
  await db.insertInto('jobs').values(rows).execute()
}

/** Events spread round-robin over the jobs, fractions rising per job as a worker sends them. */
async function publishProgress(js: ReturnType<typeof jetstream>, round: number) {
  const perJob = Math.ceil(eventCount / jobCount)
  const pending: Promise<unknown>[] = []
  for (let index = 0; index < eventCount; index++) {
    const job = index % jobCount
    const step = Math.floor(index / jobCount)
    const fraction = round === 0 ? 0.5 : Math.min(0.99, (step + 1) / perJob)
    const event = {
      kind: 'progress',
      stage: 'download',
      jobId: `job_bench${job}`,
      attempt: 1,
      fraction,
      at: new Date().toISOString(),
    }
    pending.push(js.publish(subjects.event('download', 'progress'), encodeJson(event)))
    if (pending.length >= 1_000) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
  if (round === 0) {
    // The baseline round must not change state; reset what its events would have folded.
    await db.updateTable('jobs').set({ progress: 0 }).execute()
  }
}

async function bareAckRate(): Promise<number> {
  const consumer = await jetstream(nc).consumers.get(streams.events, consumers.jobsApi)
  const messages = await consumer.consume({ max_messages: 256 })
  const started = performance.now()
  let seen = 0
  for await (const msg of messages) {
    msg.ack()
    if (++seen === eventCount) break
  }
  const rate = eventCount / ((performance.now() - started) / 1000)
  await messages.close()
  return rate
}

async function waitUntilDrained(jsm: Awaited<ReturnType<typeof jetstreamManager>>) {
  for (;;) {
    const info = await jsm.consumers.info(streams.events, consumers.jobsApi)
    if (info.num_pending === 0 && info.num_ack_pending === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
