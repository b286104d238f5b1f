import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { consumers, stages, streams } from '@tella/contracts'
import type { FastifyPluginAsync } from 'fastify'
import type { Kysely } from 'kysely'
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client'
import type { Database } from '../db/schema.ts'
import { isOutageError } from '../plugins/outage-errors.ts'

export interface MetricsOptions {
  db: Kysely<Database>
  nats: () => NatsConnection | undefined
  /** True while the NATS connection is up (not reconnecting, not closed). */
  natsReady: () => boolean
  registry: Registry
}

const queueConsumers = [
  ...stages.map((stage) => ({ stream: streams.commands, name: consumers.worker(stage) })),
  { stream: streams.events, name: consumers.jobsApi },
]

/**
 * `/metrics` for Prometheus: jobs by status and by stage, and the depth of every JetStream
 * queue, read at scrape time so they are true for the whole deployment, not one replica.
 *
 * While Postgres or NATS is unreachable the gauges read from it are left out and the rest is
 * served: a scrape that failed as a whole (it did, with 503) lost the process and pipeline
 * metrics just when an outage needs them.
 *
 * Limitation: counting jobs by status scans the user-agnostic job table on every scrape;
 * fine up to millions of rows at a 15 s interval, a maintained counter table beyond.
 */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const { registry, db } = options
  collectDefaultMetrics({ register: registry })

  new Gauge({
    name: 'tella_jobs',
    help: 'Jobs by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset()
      const rows = await unlessUnreachable(
        db
          .selectFrom('jobs')
          .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
          .groupBy('status')
          .execute(),
      )
      for (const row of rows) this.set({ status: row.status }, Number(row.count))
    },
  })
  new Gauge({
    name: 'tella_active_jobs',
    help: 'Pending and in-progress jobs by stage',
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      this.reset()
      const rows = await unlessUnreachable(
        db
          .selectFrom('jobs')
          .select(['stage', (eb) => eb.fn.countAll<string>().as('count')])
          .where('status', 'in', ['PENDING', 'IN_PROGRESS'])
          .groupBy('stage')
          .execute(),
      )
      for (const row of rows) this.set({ stage: row.stage }, Number(row.count))
    },
  })
  new Gauge({
    name: 'tella_queue_depth',
    help: 'Messages waiting (pending) or being worked on (in_flight) per JetStream consumer',
    labelNames: ['consumer', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      const nc = options.nats()
      if (!nc || !options.natsReady()) return
      const infos = await unlessUnreachable(
        jetstreamManager(nc).then((jsm) =>
          Promise.all(queueConsumers.map(({ stream, name }) => jsm.consumers.info(stream, name))),
        ),
      )
      for (const info of infos) {
        this.set({ consumer: info.name, state: 'pending' }, info.num_pending)
        this.set({ consumer: info.name, state: 'in_flight' }, info.num_ack_pending)
      }
    },
  })

  const schema = { security: [], tags: ['operations'], summary: 'Prometheus metrics' }
  app.get('/metrics', { schema }, async (_request, reply) => {
    const body = await registry.metrics()
    return reply.type(registry.contentType).send(body)
  })
}

/** The rows read, or none when the source is unreachable; any other failure stays a failure. */
async function unlessUnreachable<T>(reading: Promise<T[]>): Promise<T[]> {
  try {
    return await reading
  } catch (error) {
    if (isOutageError(error)) return []
    throw error
  }
}
