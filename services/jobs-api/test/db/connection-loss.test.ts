import { startPostgresServer } from '@tella/test-support'
import { sql } from 'kysely'
import t from 'tap'
import { createDatabase } from '../../src/db/database.ts'
import { isOutageError } from '../../src/plugins/outage-errors.ts'

t.test(
  'a transaction whose server stops between two statements fails; the process lives on',
  async (t) => {
    const postgres = await startPostgresServer()
    t.teardown(() => postgres.destroy())
    const { db } = createDatabase((await postgres.createDatabase()).url)
    t.teardown(() => db.destroy())

    // The client is checked out and idle when the server ends its session: this emitted an
    // 'error' event nobody listened to, and the uncaught exception ended the process.
    const failure = await db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx)
        await postgres.stop()
        return sql`select 1`.execute(trx)
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    t.ok(failure instanceof Error, 'the transaction fails')
    t.ok(isOutageError(failure), `as an outage: ${String(failure)}`)

    await postgres.start()
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db)
    t.same(rows, [{ one: 1 }], 'the pool serves again once the server is back')
  },
)
