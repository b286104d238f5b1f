import t from 'tap'
import {
  type Answer,
  expectError,
  newUser,
  noteSummaryFields,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const ids = (answer: Answer): string[] =>
  answer.body.data.notes.map((note: { id: string }) => note.id)
const minute = (n: number) => new Date(Date.UTC(2024, 0, 15, 10, n))
const list = (user: string, query = '') =>
  api.request('GET', `/api/notes${query ? `?${query}` : ''}`, { as: user })

t.test('no parameters: the first 20 of 25 notes, newest first, and the next offset', async (t) => {
  const user = newUser()
  const seeded: string[] = []
  for (let n = 0; n < 25; n++) {
    seeded.push(await seedNote(api.db, { userId: user, createdAt: minute(n) }))
  }
  await seedNote(api.db, { userId: newUser(), createdAt: minute(59) })

  const answer = await list(user)
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  t.same(Object.keys(answer.body.data).sort(), ['notes', 'pagination'])
  t.same(ids(answer), seeded.slice(5).reverse(), 'createdAt desc, another user’s note absent')
  t.same(answer.body.data.pagination, {
    total: 25,
    limit: 20,
    offset: 0,
    hasMore: true,
    nextOffset: 20,
  })

  const last = await list(user, 'offset=20')
  t.same(ids(last), seeded.slice(0, 5).reverse())
  t.same(last.body.data.pagination, {
    total: 25,
    limit: 20,
    offset: 20,
    hasMore: false,
    nextOffset: null,
  })
})

t.test('a user without notes gets an empty first page', async (t) => {
  const answer = await list(newUser())
  t.equal(answer.status, 200)
  t.same(answer.body.data, {
    notes: [],
    pagination: { total: 0, limit: 20, offset: 0, hasMore: false, nextOffset: null },
  })
})

t.test(
  'each listed note has the reference fields, its course and its job, no transcript',
  async (t) => {
    const user = newUser()
    const course = await seedCourse(api.db, { userId: user, name: 'Biology 101' })
    const jobId = await seedJob(api.db, {
      userId: user,
      status: 'COMPLETED',
      completedAt: minute(3),
    })
    const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })

    const [note] = (await list(user)).body.data.notes
    t.same(Object.keys(note).sort(), noteSummaryFields)
    t.same(note, {
      id: noteId,
      title: 'Biology Lecture 5',
      status: 'COMPLETED',
      duration: 3600,
      fileSize: 45_678_901,
      mimeType: 'video/mp4',
      summary: 'This lecture covers cell division processes including mitosis and meiosis.',
      date: '2024-01-15',
      createdAt: '2024-01-15T10:03:45.000Z',
      updatedAt: '2024-01-15T10:03:45.000Z',
      course: { id: course, name: 'Biology 101', color: 'green', emoji: '🧬' },
      jobId,
    })
  },
)

t.test('courseId lists one course’s notes, and none lists the notes of no course', async (t) => {
  const user = newUser()
  const biology = await seedCourse(api.db, { userId: user, name: 'Biology' })
  const history = await seedCourse(api.db, { userId: user, name: 'History' })
  const b1 = await seedNote(api.db, { userId: user, courseId: biology, createdAt: minute(1) })
  const h1 = await seedNote(api.db, { userId: user, courseId: history, createdAt: minute(2) })
  const b2 = await seedNote(api.db, { userId: user, courseId: biology, createdAt: minute(3) })
  const loose = await seedNote(api.db, { userId: user, createdAt: minute(4) })

  const inBiology = await list(user, `courseId=${biology}`)
  t.same(ids(inBiology), [b2, b1])
  t.equal(inBiology.body.data.pagination.total, 2)
  t.same(ids(await list(user, `courseId=${history}`)), [h1])
  const unfiled = await list(user, 'courseId=none')
  t.same(ids(unfiled), [loose])
  t.equal(unfiled.body.data.pagination.total, 1)
  const paged = await list(user, `courseId=${biology}&limit=1&offset=1`)
  t.same(ids(paged), [b1])
  t.same(paged.body.data.pagination, {
    total: 2,
    limit: 1,
    offset: 1,
    hasMore: false,
    nextOffset: null,
  })
})

t.test('a course with no notes lists an empty page', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  await seedNote(api.db, { userId: user })
  const answer = await list(user, `courseId=${course}`)
  t.same(ids(answer), [])
  t.equal(answer.body.data.pagination.total, 0)
})

t.test('filtering by another user’s course answers 404 COURSE_NOT_FOUND', async (t) => {
  const owner = newUser()
  const course = await seedCourse(api.db, { userId: owner })
  await seedNote(api.db, { userId: owner, courseId: course })
  expectError(t, await list(newUser(), `courseId=${course}`), 'COURSE_NOT_FOUND')
  expectError(t, await list(owner, 'courseId=course_neverexisted'), 'COURSE_NOT_FOUND')
})

t.test('each sortBy in each sortOrder, titles without regard to case', async (t) => {
  const user = newUser()
  const seed = (title: string, created: number, updated: number) =>
    seedNote(api.db, {
      userId: user,
      title,
      createdAt: minute(created),
      updatedAt: minute(updated),
    })
  const a = await seed('anatomy', 0, 30)
  const b = await seed('Botany', 10, 15)
  const c = await seed('cells', 20, 50)
  const d = await seed('Diffusion', 5, 40)

  t.same(ids(await list(user, 'sortBy=createdAt&sortOrder=asc')), [a, d, b, c])
  t.same(ids(await list(user, 'sortBy=createdAt')), [c, b, d, a], 'desc is the default')
  t.same(ids(await list(user, 'sortOrder=asc')), [a, d, b, c], 'createdAt is the default')
  t.same(ids(await list(user, 'sortBy=updatedAt&sortOrder=asc')), [b, a, d, c])
  t.same(ids(await list(user, 'sortBy=updatedAt&sortOrder=desc')), [c, d, a, b])
  t.same(ids(await list(user, 'sortBy=title&sortOrder=asc')), [a, b, c, d])
  t.same(ids(await list(user, 'sortBy=title&sortOrder=desc')), [d, c, b, a])
})

t.test('paging through notes with equal titles and times repeats and skips none', async (t) => {
  const user = newUser()
  const seeded = new Set<string>()
  for (let n = 0; n < 9; n++) {
    seeded.add(await seedNote(api.db, { userId: user, title: 'Same', createdAt: minute(7) }))
  }
  for (const sortBy of ['createdAt', 'updatedAt', 'title']) {
    for (const sortOrder of ['asc', 'desc']) {
      const seen: string[] = []
      let offset: number | null = 0
      while (offset !== null) {
        const query = `sortBy=${sortBy}&sortOrder=${sortOrder}&limit=4&offset=${offset}`
        const page = await list(user, query)
        seen.push(...ids(page))
        offset = page.body.data.pagination.nextOffset
      }
      t.equal(seen.length, 9, `${sortBy} ${sortOrder}: 9 notes over 3 pages`)
      t.same(new Set(seen), seeded, `${sortBy} ${sortOrder}: every note exactly once`)
    }
  }
})

t.test('limit 1 and limit 100 are accepted and echoed', async (t) => {
  const user = newUser()
  const older = await seedNote(api.db, { userId: user, createdAt: minute(0) })
  const newer = await seedNote(api.db, { userId: user, createdAt: minute(1) })
  const one = await list(user, 'limit=1')
  t.same(ids(one), [newer])
  t.same(one.body.data.pagination, { total: 2, limit: 1, offset: 0, hasMore: true, nextOffset: 1 })
  const hundred = await list(user, 'limit=100')
  t.same(ids(hundred), [newer, older])
  t.equal(hundred.body.data.pagination.limit, 100)
})

const badQueries = [
  ['limit=0', 'a limit below 1'],
  ['limit=101', 'a limit above 100'],
  ['limit=1.5', 'a fractional limit'],
  ['limit=abc', 'a limit that is not a number'],
  ['offset=-1', 'a negative offset'],
  ['offset=abc', 'an offset that is not a number'],
  ['page=2', 'an unknown parameter'],
  ['status=COMPLETED', 'a jobs filter the notes list does not have'],
  ['sortBy=completedAt', 'a sortBy of the jobs list'],
  ['sortBy=name', 'a sortBy outside the three'],
  ['sortOrder=DESC', 'an upper-case sortOrder'],
  ['courseId=abc', 'a courseId that is not a course id'],
  ['courseId=', 'an empty courseId'],
  ['courseId=NONE', 'an upper-case none'],
  ['courseId=none&courseId=none', 'two courseIds'],
  ['courseId=note_abc', 'a note id as courseId'],
  [`courseId=course_${'a'.repeat(65)}`, 'a courseId of 72 characters'],
] as const

for (const [query, what] of badQueries) {
  t.test(`GET /api/notes?${query.slice(0, 40)} (${what}) answers 400 INVALID_QUERY`, async (t) => {
    expectError(t, await list(newUser(), query), 'INVALID_QUERY', /^Invalid query parameters/u)
  })
}

t.test('without a token the list answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('GET', '/api/notes'), 'AUTH_REQUIRED')
})
