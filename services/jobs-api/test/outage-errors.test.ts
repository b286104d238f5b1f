import { jetstream } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freezeProcess, startNatsServer, startPostgresServer, waitFor } from '@tella/test-support'
import pg from 'pg'
import t from 'tap'
import { isOutageError } from '../src/plugins/outage-errors.ts'

/**
 * Which failures answer 503 SERVICE_UNAVAILABLE rather than 500: each error here is produced
 * by a real server of our own being stopped, frozen or refusing, never built by hand.
 */
const postgres = await startPostgresServer()
t.teardown(() => postgres.destroy())
const { url } = await postgres.createDatabase()

async function session(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
  client.on('error', () => {})
  await client.connect()
  return client
}

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  )
}

t.test('a missing table or a broken constraint is a failure of ours, not an outage', async (t) => {
  const client = await session()
  t.teardown(() => client.end())
  const missing = await failureOf(client.query('select * from no_such_table'))
  t.equal((missing as { code?: string }).code, '42P01', 'undefined_table')
  t.notOk(isOutageError(missing), 'is not an outage: 500')

  await client.query('create temporary table once (id int primary key)')
  await client.query('insert into once values (1)')
  const duplicate = await failureOf(client.query('insert into once values (1)'))
  t.equal((duplicate as { code?: string }).code, '23505', 'unique_violation')
  t.notOk(isOutageError(duplicate), 'is not an outage: 500')
  t.notOk(isOutageError(new Error('Failed to fetch jobs')), 'a plain error is not an outage')
})

t.test('a session ended by a fast stop (57P01), then refused (ECONNREFUSED)', async (t) => {
  const client = await session()
  const running = failureOf(client.query('select pg_sleep(30)'))
  await waitFor(
    async () => {
      const other = await session()
      const { rowCount } = await other.query(
        `select 1 from pg_stat_activity where query = 'select pg_sleep(30)'`,
      )
      await other.end()
      return (rowCount ?? 0) > 0
    },
    { timeoutMs: 5_000, what: 'the query to run' },
  )
  await postgres.stop('fast')
  const ended = await running
  t.equal((ended as { code?: string }).code, '57P01', 'the running query is ended')
  t.ok(isOutageError(ended), 'is an outage: 503')
  const after = await failureOf(client.query('select 1'))
  t.match(String(after), /not queryable/u, 'the next statement on that client fails too')
  t.ok(isOutageError(after), 'is an outage: 503')

  const refused = await failureOf(session())
  t.equal((refused as { code?: string }).code, 'ECONNREFUSED', 'a stopped server refuses')
  t.ok(isOutageError(refused), 'is an outage: 503')
  await postgres.start()
})

t.test('a new session while a smart shutdown waits for the others (57P03)', async (t) => {
  const holder = await session()
  const stopping = postgres.stop('smart')
  let refused: unknown
  await waitFor(
    async () => {
      // Until the shutdown begins a session may still open: it is closed again at once, or
      // the shutdown would wait for it too.
      refused = await failureOf(session().then((client) => client.end()))
      return (refused as { code?: string }).code === '57P03'
    },
    { timeoutMs: 10_000, what: 'new sessions to be refused during the shutdown' },
  )
  t.ok(isOutageError(refused), String(refused))
  await holder.end()
  await stopping
  await postgres.start()
})

t.test('a server that accepts connections but never answers: connect timeouts', async (t) => {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 500 })
  pool.on('error', () => {})
  t.teardown(() => pool.end())
  const held = await pool.connect()
  const exhausted = await failureOf(pool.query('select 1'))
  t.match(String(exhausted), /timeout exceeded when trying to connect/u, 'no free client')
  t.ok(isOutageError(exhausted), 'is an outage: 503')
  held.release()

  await postgres.pause()
  t.teardown(() => postgres.resume())
  const fresh = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 500 })
  fresh.on('error', () => {})
  const unanswered = await failureOf(fresh.query('select 1'))
  t.match(String(unanswered), /Connection terminated due to connection timeout/u, 'no answer')
  t.ok(isOutageError(unanswered), 'is an outage: 503')
  postgres.resume()
  await fresh.end()
})

t.test('NATS: a publish to a frozen server, a closed connection, a missing stream', async (t) => {
  const server = await startNatsServer()
  t.teardown(() => server.stop())
  const nc = await connect({ servers: server.url })
  const js = jetstream(nc, { timeout: 500 })

  const missingStream = await failureOf(js.publish('no.stream.here', 'x'))
  t.notOk(isOutageError(missingStream), `no stream is ours to fix: ${String(missingStream)}`)

  const pid = server.process.pid as number
  await freezeProcess(pid)
  const frozen = await failureOf(js.publish('no.stream.here', 'x')).finally(() =>
    process.kill(pid, 'SIGCONT'),
  )
  t.ok(isOutageError(frozen), `a timed-out publish is an outage: ${String(frozen)}`)

  await nc.close()
  const closed = await failureOf(js.publish('no.stream.here', 'x'))
  t.ok(isOutageError(closed), `a closed connection is an outage: ${String(closed)}`)
})
