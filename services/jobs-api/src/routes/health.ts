import type { FastifyPluginAsync } from 'fastify'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface HealthOptions {
  db: Kysely<Database>
  /** True while the NATS connection is up (not reconnecting, not closed). */
  natsReady: () => boolean
}

const probeTimeoutMs = 2_000

/**
 * Liveness says the process serves requests; readiness says it can do its work, so it fails
 * while Postgres or NATS is unreachable and the pod is taken out of the Service meanwhile.
 */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const operations = { security: [], tags: ['operations'] }
  app.get('/healthz', { schema: { ...operations, summary: 'Liveness probe' } }, async () => ({
    status: 'ok',
  }))

  app.get(
    '/readyz',
    { schema: { ...operations, summary: 'Readiness: Postgres and NATS reachable' } },
    async (_request, reply) => {
      const [database, nats] = await Promise.all([
        withTimeout(sql`select 1`.execute(options.db)).then(
          () => true,
          () => false,
        ),
        Promise.resolve(options.natsReady()),
      ])
      const ready = database && nats
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unavailable', database, nats })
    },
  )
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      setTimeout(() => reject(new Error('timeout')), probeTimeoutMs).unref()
    }),
  ])
}
