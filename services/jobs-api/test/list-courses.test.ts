import { sql } from 'kysely'
import t from 'tap'
import { type Answer, courseFields, expectError, newUser, seedCourse, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const names = (answer: Answer): string[] =>
  answer.body.data.courses.map((course: { name: string }) => course.name)
const list = (user: string, query = '') =>
  api.request('GET', `/api/courses${query ? `?${query}` : ''}`, { as: user })

/** Sets both timestamps of a course, so orders by time are known. */
async function stamp(courseId: string, created: number, updated: number) {
  const minute = (n: number) => new Date(Date.UTC(2024, 0, 15, 10, n))
  await api.db
    .updateTable('courses')
    .set({ created_at: minute(created), updated_at: minute(updated) })
    .where('id', '=', courseId)
    .execute()
}

t.test('no parameters: courses by name A to Z, regardless of case, 20 a page', async (t) => {
  const user = newUser()
  for (const name of ['chemistry', 'Biology', 'art', 'Drama']) {
    await seedCourse(api.db, { userId: user, name })
  }
  await seedCourse(api.db, { userId: newUser(), name: 'Another user’s' })

  const answer = await list(user)
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.same(Object.keys(answer.body.data).sort(), ['courses', 'pagination'])
  t.same(names(answer), ['art', 'Biology', 'chemistry', 'Drama'])
  t.same(answer.body.data.pagination, {
    total: 4,
    limit: 20,
    offset: 0,
    hasMore: false,
    nextOffset: null,
  })
  for (const course of answer.body.data.courses) t.same(Object.keys(course).sort(), courseFields)
})

t.test('a user without courses gets an empty first page', async (t) => {
  t.same((await list(newUser())).body.data, {
    courses: [],
    pagination: { total: 0, limit: 20, offset: 0, hasMore: false, nextOffset: null },
  })
})

t.test('limit and offset page through 25 courses', async (t) => {
  const user = newUser()
  const all: string[] = []
  for (let n = 0; n < 25; n++) {
    const name = `Course ${String(n).padStart(2, '0')}`
    all.push(name)
    await seedCourse(api.db, { userId: user, name })
  }
  const first = await list(user)
  t.same(names(first), all.slice(0, 20))
  t.same(first.body.data.pagination, {
    total: 25,
    limit: 20,
    offset: 0,
    hasMore: true,
    nextOffset: 20,
  })
  const second = await list(user, 'offset=20')
  t.same(names(second), all.slice(20))
  t.equal(second.body.data.pagination.nextOffset, null)
  const one = await list(user, 'limit=1&offset=3')
  t.same(names(one), ['Course 03'])
  t.same(one.body.data.pagination, { total: 25, limit: 1, offset: 3, hasMore: true, nextOffset: 4 })
  t.equal((await list(user, 'limit=100')).body.data.courses.length, 25)
})

t.test('each sortBy in each sortOrder', async (t) => {
  const user = newUser()
  const a = await seedCourse(api.db, { userId: user, name: 'a' })
  const b = await seedCourse(api.db, { userId: user, name: 'B' })
  const c = await seedCourse(api.db, { userId: user, name: 'c' })
  await stamp(a, 10, 15)
  await stamp(b, 0, 30)
  await stamp(c, 5, 20)
  t.same(names(await list(user, 'sortOrder=desc')), ['c', 'B', 'a'], 'name is the default')
  t.same(names(await list(user, 'sortBy=createdAt')), ['B', 'c', 'a'], 'asc is the default')
  t.same(names(await list(user, 'sortBy=createdAt&sortOrder=desc')), ['a', 'c', 'B'])
  t.same(names(await list(user, 'sortBy=updatedAt&sortOrder=asc')), ['a', 'c', 'B'])
  t.same(names(await list(user, 'sortBy=updatedAt&sortOrder=desc')), ['B', 'c', 'a'])
})

t.test('courses of the same name page without repeats or gaps', async (t) => {
  const user = newUser()
  const seeded = new Set<string>()
  for (let n = 0; n < 7; n++) seeded.add(await seedCourse(api.db, { userId: user, name: 'Same' }))
  await sql`update courses set created_at = '2024-01-15T10:00:00Z' where user_id = ${user}`.execute(
    api.db,
  )
  for (const sortBy of ['name', 'createdAt']) {
    const seen: string[] = []
    let offset: number | null = 0
    while (offset !== null) {
      const page = await list(user, `sortBy=${sortBy}&limit=3&offset=${offset}`)
      seen.push(...page.body.data.courses.map((course: { id: string }) => course.id))
      offset = page.body.data.pagination.nextOffset
    }
    t.same(new Set(seen), seeded, `${sortBy}: every course once`)
    t.equal(seen.length, 7)
  }
})

const badQueries = [
  ['limit=0', 'a limit below 1'],
  ['limit=101', 'a limit above 100'],
  ['limit=x', 'a limit that is not a number'],
  ['offset=-1', 'a negative offset'],
  ['sortBy=title', 'a sortBy of the notes list'],
  ['sortBy=color', 'a sortBy outside the three'],
  ['sortOrder=up', 'an unknown sortOrder'],
  ['name=Biology', 'an unknown parameter'],
] as const
for (const [query, what] of badQueries) {
  t.test(`GET /api/courses?${query} (${what}) answers 400 INVALID_QUERY`, async (t) => {
    expectError(t, await list(newUser(), query), 'INVALID_QUERY', /^Invalid query parameters/u)
  })
}

t.test('without a token the list answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('GET', '/api/courses'), 'AUTH_REQUIRED')
})
