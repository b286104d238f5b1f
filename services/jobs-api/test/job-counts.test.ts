import { sql } from 'kysely'
import t from 'tap'
import { newUser, seedJob, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const stats = async (user: string) =>
  (await api.request('GET', '/api/jobs/stats', { as: user })).body.data
const total = async (user: string, query = '') =>
  (await api.request('GET', `/api/jobs${query}`, { as: user })).body.data.pagination.total

t.test('counts follow a job through every status change, and its deletion', async (t) => {
  const user = newUser()
  const id = await seedJob(api.db, { userId: user, status: 'PENDING', source: 'UPLOAD' })
  await seedJob(api.db, { userId: user, status: 'COMPLETED', source: 'YOUTUBE' })
  t.same((await stats(user)).byStatus, { pending: 1, inProgress: 0, completed: 1, failed: 0 })

  for (const status of ['IN_PROGRESS', 'COMPLETED', 'FAILED'] as const) {
    await api.db.updateTable('jobs').set({ status }).where('id', '=', id).execute()
  }
  t.same((await stats(user)).byStatus, { pending: 0, inProgress: 0, completed: 1, failed: 1 })
  t.equal(await total(user, '?status=FAILED&source=UPLOAD'), 1)
  t.equal(await total(user, '?source=YOUTUBE'), 1)

  await api.db.updateTable('jobs').set({ progress: 40 }).where('id', '=', id).execute()
  await api.db.deleteFrom('jobs').where('id', '=', id).execute()
  t.same((await stats(user)).byStatus, { pending: 0, inProgress: 0, completed: 1, failed: 0 })
  t.equal(await total(user), 1)
})

t.test('a rolled-back change leaves the counts as they were', async (t) => {
  const user = newUser()
  const id = await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  await api.db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable('jobs').set({ status: 'COMPLETED' }).where('id', '=', id).execute()
      await seedJob(trx, { userId: user })
      throw new Error('roll back')
    })
    .catch(() => undefined)
  t.same((await stats(user)).byStatus, { pending: 0, inProgress: 1, completed: 0, failed: 0 })
})

t.test('the counts equal a count of the jobs table after concurrent changes', async (t) => {
  const user = newUser()
  const ids = await Promise.all(
    Array.from({ length: 30 }, (_, n) =>
      seedJob(api.db, { userId: user, source: n % 2 ? 'UPLOAD' : 'YOUTUBE' }),
    ),
  )
  await Promise.all(
    ids.map((id, n) =>
      api.db
        .updateTable('jobs')
        .set({ status: n % 3 ? 'COMPLETED' : 'FAILED' })
        .where('id', '=', id)
        .execute(),
    ),
  )
  const { rows } = await sql<{ status: string; jobs: number }>`
    select status, count(*)::int as jobs from jobs where user_id = ${user} group by status`.execute(
    api.db,
  )
  const counted = Object.fromEntries(rows.map((row) => [row.status, row.jobs]))
  t.same((await stats(user)).byStatus, {
    pending: 0,
    inProgress: 0,
    completed: counted.COMPLETED,
    failed: counted.FAILED,
  })
})
