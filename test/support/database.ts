import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh database per test file on the shared Postgres server; dropped at teardown. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tella_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      // Teardown must not fail a test that passed: a drop racing the server's own clean-up
      // of the connections it just terminated is retried, and a database that still cannot
      // be dropped is reported and left for later (its name marks it as a test's).
      for (let attempt = 1; attempt <= 5; attempt++) {
        try {
          await adminQuery(`drop database if exists ${name} with (force)`)
          return
        } catch (error) {
          if (attempt === 5) {
            process.emitWarning(`test database ${name} was not dropped: ${String(error)}`)
            return
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
        }
      }
    },
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}
