import fastifyMultipart from '@fastify/multipart'
import type { NatsConnection } from '@nats-io/transport-node'
import { connectNats, ensureTopology, stageDeliveryFrom, trackConnection } from '@tella/platform'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { type Logger, pino } from 'pino'
import { Registry } from 'prom-client'
import type { JobsApiSettings } from './config.ts'
import { CourseStore } from './courses/course-store.ts'
import { createDatabase, migrateToLatest } from './db/database.ts'
import { JobFeed } from './jobs/job-feed.ts'
import { JobQueries } from './jobs/job-queries.ts'
import { NoteQueries } from './notes/note-queries.ts'
import { NoteWrites } from './notes/note-writes.ts'
import { EventConsumer } from './pipeline/event-consumer.ts'
import { JobWrites } from './pipeline/job-writes.ts'
import { MediaStore } from './pipeline/media-store.ts'
import { OutboxFastPath } from './pipeline/outbox-fast-path.ts'
import { OutboxRelay } from './pipeline/outbox-relay.ts'
import { registerApiDocs } from './plugins/api-docs.ts'
import { registerAuthentication, requireUser } from './plugins/authentication.ts'
import { answerClientError } from './plugins/client-errors.ts'
import { registerErrorHandling, sendFrameworkError } from './plugins/error-handler.ts'
import { readQueryStrictly } from './plugins/strict-query.ts'
import { courseRoutes } from './routes/courses.ts'
import { healthRoutes } from './routes/health.ts'
import { importRoutes } from './routes/imports.ts'
import { jobEventRoutes } from './routes/job-events.ts'
import { jobRetryRoutes } from './routes/job-retry.ts'
import { jobRoutes } from './routes/jobs.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { noteEditRoutes } from './routes/note-edits.ts'
import { noteRoutes } from './routes/notes.ts'

/** Tokens never reach the logs. */
const redactedPaths = ['req.headers.authorization', 'req.headers.cookie']

export interface BuildOptions {
  /** A pino logger, or false for none (benchmarks). Defaults to pino at LOG_LEVEL. */
  logger?: Logger | false
}

/**
 * Builds the jobs-api without listening: tests call this and use `inject` or `listen(0)`.
 * Connections to Postgres and NATS open in `onReady`-time plugins and close in `onClose`,
 * in reverse order, so `app.close()` twice or after a failed start is safe.
 */
export async function buildApp(
  settings: JobsApiSettings,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const logger =
    options.logger === false
      ? pino({ level: 'silent' })
      : (options.logger ?? pino({ level: settings.LOG_LEVEL, redact: redactedPaths }))
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Query strings are validated strictly: unknown parameters are an error, not ignored.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    bodyLimit: 64 * 1024,
    trustProxy: true,
    return503OnClosing: true,
    // Paths the router itself rejects (over-long or badly escaped ids) answer in our shape.
    frameworkErrors: sendFrameworkError,
    // Requests the HTTP parser refuses (431 headers, a body cut short) answer in our shape too.
    clientErrorHandler: answerClientError(logger as FastifyBaseLogger),
  })

  registerErrorHandling(app)
  await registerApiDocs(app)
  await registerAuthentication(app, settings.JWT_SECRET)
  await app.register(fastifyMultipart, { throwFileSizeLimit: true })

  const { db, pool } = createDatabase(settings.DATABASE_URL)
  let nc: NatsConnection | undefined
  let fastPath: OutboxFastPath | undefined
  let relay: OutboxRelay | undefined
  let consumer: EventConsumer | undefined

  app.addHook('onClose', async () => {
    await consumer?.stop()
    // After the requests and folds that hand it rows, before NATS and Postgres close.
    await fastPath?.stop()
    await relay?.stop()
    if (nc && !nc.isClosed()) await nc.drain()
    await db.destroy()
  })

  await migrateToLatest(db)
  nc = await connectNats({ url: settings.NATS_URL, name: 'jobs-api' })
  await ensureTopology(nc, stageDeliveryFrom(settings))
  const media = await MediaStore.open(nc)

  fastPath = new OutboxFastPath(db, nc, logger, settings.OUTBOX_HOLD_MS)
  const writes = new JobWrites(db, settings.MAX_ACTIVE_JOBS_PER_USER, fastPath)
  const connected = trackConnection(nc)
  const registry = new Registry()
  await app.register(healthRoutes, { db, natsReady: connected })
  await app.register(metricsRoutes, { db, nats: () => nc, natsReady: connected, registry })
  await app.register(async (api) => {
    api.addHook('onRequest', requireUser)
    api.addHook('onRoute', readQueryStrictly)
    await api.register(jobRoutes, { queries: new JobQueries(db), writes })
    await api.register(importRoutes, {
      writes,
      media,
      uploadMaxBytes: settings.UPLOAD_MAX_BYTES,
      natsReady: connected,
    })
    await api.register(noteRoutes, { notes: new NoteQueries(db) })
    await api.register(noteEditRoutes, { writes: new NoteWrites(db) })
    await api.register(courseRoutes, { courses: new CourseStore(db) })
    await api.register(jobRetryRoutes, { writes })
    await api.register(jobEventRoutes, { feed: new JobFeed(db), pollMs: settings.SSE_POLL_MS })
  })

  relay = new OutboxRelay(db, pool, nc, media, logger)
  consumer = new EventConsumer(db, nc, media, logger, registry, fastPath)
  app.addHook('onReady', async () => {
    await relay?.start()
    await consumer?.start()
  })
  return app
}
