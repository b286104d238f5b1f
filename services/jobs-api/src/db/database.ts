import { Kysely, type MigrationProvider, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'
import * as initial from './migrations/0001-initial.ts'
import * as notesAndCourses from './migrations/0002-notes-and-courses.ts'
import * as jobCounts from './migrations/0003-job-counts.ts'
import * as sourceMetadata from './migrations/0005-source-metadata.ts'
import * as outboxNotifyTrigger from './migrations/0006-outbox-notify-trigger.ts'
import * as outboxDispatchAfter from './migrations/0007-outbox-dispatch-after.ts'
import type { Database } from './schema.ts'

// int8 columns (file sizes, outbox ids) fit in a double for every size we accept.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))

const migrations: MigrationProvider = {
  async getMigrations() {
    return {
      '0001-initial': initial,
      '0002-notes-and-courses': notesAndCourses,
      '0003-job-counts': jobCounts,
      '0005-source-metadata': sourceMetadata,
      '0006-outbox-notify-trigger': outboxNotifyTrigger,
      '0007-outbox-dispatch-after': outboxDispatchAfter,
    }
  },
}

export interface DatabaseHandle {
  db: Kysely<Database>
  pool: pg.Pool
}

export function createDatabase(connectionString: string, max = 10): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000 })
  // An idle client losing its server (Postgres restart) must not crash the process; the
  // pool drops it and the next query opens a fresh one.
  pool.on('error', () => {})
  // Neither pg-pool nor Kysely listens on a client while it is checked out, so one that lost
  // its server between two statements (a transaction, or the relay waiting for NATS acks)
  // threw an unhandled 'error' event and crashed the process. Its next statement fails
  // instead, the transaction is rolled back, and the pool drops the client at release.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { db, pool }
}

/** Applies pending migrations; Kysely's lock table makes concurrent replicas take turns. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrations })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed`, { cause: error })
  }
}
