import { buildApp } from '@tella/jobs-api/app'
import { testJwtSecret } from '@tella/test-support'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadJobsApiSettings } from '../../services/jobs-api/src/config.ts'
import { type ApiCall, type CapturedQuery, listQueryFrom, rebind, SqlRecorder } from './capture.ts'

/**
 * Child process of api-floor.ts: jobs-api as built for production (logger off) and the floor
 * beside it, each on its own loopback port. Both are served by this one process, measured one
 * after the other, so they get the same share of the two cores.
 */
const databaseUrl = required('DATABASE_URL')
const settings = loadJobsApiSettings({
  DATABASE_URL: databaseUrl,
  NATS_URL: required('NATS_URL'),
  JWT_SECRET: testJwtSecret,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
})
const api = await buildApp(settings, { logger: false })
await api.listen({ port: 0, host: '127.0.0.1' })
const floor = buildFloor(databaseUrl)
await floor.listen({ port: 0, host: '127.0.0.1' })

process.send?.({ api: portOf(api), floor: portOf(floor) })
process.on('disconnect', () => {
  Promise.all([api.close(), floor.close()]).finally(() => process.exit(0))
})

/**
 * The floor: the same URLs answered by running the statements jobs-api runs for them with
 * plain `pg`, and returning the rows as they come. No token (the user is a header), no
 * validation, no mapping, no response schema. Its pool has jobs-api's size.
 */
function buildFloor(connectionString: string): FastifyInstance {
  const pool = new pg.Pool({ connectionString, max: 10 })
  const recorder = new SqlRecorder(pool)
  const recorded = new Map<string, Promise<Recording>>()
  const app = Fastify({ logger: false })
  app.addHook('onClose', () => pool.end())

  const run = async (key: string, userId: string, call: ApiCall, jobId?: string) => {
    let entry = recorded.get(key)
    if (!entry) {
      const from = { userId, ...(jobId === undefined ? {} : { jobId }) }
      entry = recorder.record(userId, call).then((queries) => ({ from, queries }))
      recorded.set(key, entry)
    }
    const { from, queries } = await entry
    const to = { userId, ...(jobId === undefined ? {} : { jobId }) }
    const results = await Promise.all(
      rebind(queries, from, to).map((query) =>
        pool.query({ text: query.sql, values: query.parameters as unknown[] }),
      ),
    )
    return results.map((result) => result.rows)
  }

  app.get('/api/jobs/stats', async (request) => {
    const userId = String(request.headers['x-user-id'])
    return { rows: await run('stats', userId, { kind: 'stats' }) }
  })
  app.get('/api/jobs', async (request) => {
    const search = new URL(request.url, 'http://floor').searchParams
    const userId = String(request.headers['x-user-id'])
    const call: ApiCall = { kind: 'list', query: listQueryFrom(search) }
    return { rows: await run(`list?${search}`, userId, call) }
  })
  app.get<{ Params: { id: string } }>('/api/jobs/:id', async (request) => {
    const userId = String(request.headers['x-user-id'])
    const { id } = request.params
    return { rows: await run('get', userId, { kind: 'get', jobId: id }, id) }
  })
  return app
}

interface Recording {
  from: { userId: string; jobId?: string }
  queries: CapturedQuery[]
}

function portOf(app: FastifyInstance): number {
  const address = app.server.address()
  return typeof address === 'object' && address ? address.port : 0
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}
