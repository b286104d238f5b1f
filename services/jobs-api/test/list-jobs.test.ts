import t from 'tap'
import type { JobStatusValue } from '../src/db/schema.ts'
import {
  type Answer,
  expectError,
  isoDateTime,
  jobFields,
  newUser,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const ids = (answer: Answer): string[] => answer.body.data.jobs.map((job: { id: string }) => job.id)
const minute = (n: number) => new Date(Date.UTC(2024, 0, 15, 10, n))

t.test(
  'no parameters: the first 20 of 25 jobs, newest first, and where the next page starts',
  async (t) => {
    const user = newUser()
    const seeded: string[] = []
    for (let n = 0; n < 25; n++)
      seeded.push(await seedJob(api.db, { userId: user, createdAt: minute(n) }))
    await seedJob(api.db, { userId: newUser(), createdAt: minute(59) })

    const answer = await api.request('GET', '/api/jobs', { as: user })
    t.equal(answer.status, 200)
    t.same(Object.keys(answer.body).sort(), ['data', 'success'])
    t.equal(answer.body.success, true)
    t.same(Object.keys(answer.body.data).sort(), ['jobs', 'pagination'])
    t.same(ids(answer), seeded.slice(5).reverse(), 'createdAt desc, another user’s job absent')
    t.same(answer.body.data.pagination, {
      total: 25,
      limit: 20,
      offset: 0,
      hasMore: true,
      nextOffset: 20,
    })

    const last = await api.request('GET', '/api/jobs?offset=20', { as: user })
    t.same(ids(last), seeded.slice(0, 5).reverse())
    t.same(last.body.data.pagination, {
      total: 25,
      limit: 20,
      offset: 20,
      hasMore: false,
      nextOffset: null,
    })

    const past = await api.request('GET', '/api/jobs?offset=40&limit=5', { as: user })
    t.same(ids(past), [])
    t.same(past.body.data.pagination, {
      total: 25,
      limit: 5,
      offset: 40,
      hasMore: false,
      nextOffset: null,
    })
  },
)

t.test('a user without jobs gets an empty first page', async (t) => {
  const answer = await api.request('GET', '/api/jobs', { as: newUser() })
  t.equal(answer.status, 200)
  t.same(answer.body.data, {
    jobs: [],
    pagination: { total: 0, limit: 20, offset: 0, hasMore: false, nextOffset: null },
  })
})

t.test('each listed job has the reference fields, its note and the note’s course', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const done = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    createdAt: minute(0),
    updatedAt: minute(3),
    completedAt: minute(3),
  })
  const note = await seedNote(api.db, { userId: user, jobId: done, courseId: course })
  const running = await seedJob(api.db, {
    userId: user,
    status: 'IN_PROGRESS',
    source: 'UPLOAD',
    title: 'audio_lecture.mp3',
    progress: 75,
    createdAt: minute(5),
  })

  const answer = await api.request('GET', '/api/jobs', { as: user })
  const [first, second] = answer.body.data.jobs
  t.same(Object.keys(first).sort(), jobFields)
  t.match(first, {
    id: running,
    title: 'Processing: audio_lecture.mp3',
    status: 'IN_PROGRESS',
    progress: 75,
    source: 'UPLOAD',
    errorMessage: null,
    userId: user,
    noteId: null,
    completedAt: null,
    note: null,
  })
  t.match(first.createdAt, isoDateTime)
  t.match(first.updatedAt, isoDateTime)

  t.same(Object.keys(second).sort(), jobFields)
  t.match(second, {
    id: done,
    status: 'COMPLETED',
    progress: 100,
    errorMessage: null,
    noteId: note,
    createdAt: '2024-01-15T10:00:00.000Z',
    updatedAt: '2024-01-15T10:03:00.000Z',
    completedAt: '2024-01-15T10:03:00.000Z',
  })
  t.match(second.note, {
    id: note,
    title: 'Biology Lecture 5',
    status: 'COMPLETED',
    duration: 3600,
    fileSize: 45_678_901,
    mimeType: 'video/mp4',
    date: '2024-01-15',
  })
  t.same(second.note.course, { id: course, name: 'Biology 101', color: 'green', emoji: '🧬' })
})

t.test('status and source filter the list and its total', async (t) => {
  const user = newUser()
  const bySeed: Array<[string, JobStatusValue, 'YOUTUBE' | 'UPLOAD']> = []
  const statuses: JobStatusValue[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED']
  for (const [n, status] of statuses.entries()) {
    for (const [m, source] of (['YOUTUBE', 'UPLOAD'] as const).entries()) {
      const createdAt = minute(n * 2 + m)
      const id = await seedJob(api.db, { userId: user, status, source, createdAt })
      bySeed.push([id, status, source])
    }
  }
  const expected = (keep: (status: string, source: string) => boolean) =>
    bySeed
      .filter(([, status, source]) => keep(status, source))
      .map(([id]) => id)
      .reverse()

  for (const status of statuses) {
    const answer = await api.request('GET', `/api/jobs?status=${status}`, { as: user })
    t.same(
      ids(answer),
      expected((s) => s === status),
      `status=${status}`,
    )
    t.equal(answer.body.data.pagination.total, 2)
  }
  for (const source of ['YOUTUBE', 'UPLOAD']) {
    const answer = await api.request('GET', `/api/jobs?source=${source}`, { as: user })
    t.same(
      ids(answer),
      expected((_, s) => s === source),
      `source=${source}`,
    )
    t.equal(answer.body.data.pagination.total, 4)
  }
  const both = await api.request('GET', '/api/jobs?status=FAILED&source=UPLOAD', { as: user })
  t.same(
    ids(both),
    expected((status, source) => status === 'FAILED' && source === 'UPLOAD'),
  )
  t.equal(both.body.data.pagination.total, 1)
})

t.test('each sortBy in each sortOrder; jobs never completed come last either way', async (t) => {
  const user = newUser()
  const seed = (created: number, updated: number, completed: number | null) =>
    seedJob(api.db, {
      userId: user,
      status: completed === null ? 'FAILED' : 'COMPLETED',
      createdAt: minute(created),
      updatedAt: minute(updated),
      completedAt: completed === null ? null : minute(completed),
    })
  const a = await seed(0, 30, 30)
  const b = await seed(10, 15, 15)
  const c = await seed(20, 50, null)
  const d = await seed(5, 40, null)
  const list = (query: string) => api.request('GET', `/api/jobs?${query}`, { as: user })

  t.same(ids(await list('sortBy=createdAt&sortOrder=asc')), [a, d, b, c])
  t.same(ids(await list('sortBy=createdAt&sortOrder=desc')), [c, b, d, a])
  t.same(ids(await list('sortBy=createdAt')), [c, b, d, a], 'desc is the default order')
  t.same(ids(await list('sortOrder=asc')), [a, d, b, c], 'createdAt is the default sortBy')
  t.same(ids(await list('sortBy=updatedAt&sortOrder=asc')), [b, a, d, c])
  t.same(ids(await list('sortBy=updatedAt&sortOrder=desc')), [c, d, a, b])

  const completedAsc = ids(await list('sortBy=completedAt&sortOrder=asc'))
  t.same(completedAsc.slice(0, 2), [b, a])
  t.same(completedAsc.slice(2).sort(), [c, d].sort(), 'unfinished jobs last')
  const completedDesc = ids(await list('sortBy=completedAt&sortOrder=desc'))
  t.same(completedDesc.slice(0, 2), [a, b])
  t.same(completedDesc.slice(2).sort(), [c, d].sort(), 'unfinished jobs last')
})

t.test('limit 1 and limit 100 are accepted and echoed', async (t) => {
  const user = newUser()
  const older = await seedJob(api.db, { userId: user, createdAt: minute(0) })
  const newer = await seedJob(api.db, { userId: user, createdAt: minute(1) })

  const one = await api.request('GET', '/api/jobs?limit=1', { as: user })
  t.same(ids(one), [newer])
  t.same(one.body.data.pagination, { total: 2, limit: 1, offset: 0, hasMore: true, nextOffset: 1 })
  const next = await api.request('GET', '/api/jobs?limit=1&offset=1', { as: user })
  t.same(ids(next), [older])
  t.equal(next.body.data.pagination.nextOffset, null)

  const hundred = await api.request('GET', '/api/jobs?limit=100', { as: user })
  t.same(ids(hundred), [newer, older])
  t.equal(hundred.body.data.pagination.limit, 100)
})

const badQueries = [
  ['limit=0', 'a limit below 1'],
  ['limit=101', 'a limit above 100'],
  ['limit=-1', 'a negative limit'],
  ['limit=1.5', 'a fractional limit'],
  ['limit=abc', 'a limit that is not a number'],
  ['limit=', 'an empty limit'],
  ['offset=-1', 'a negative offset'],
  ['offset=abc', 'an offset that is not a number'],
  ['offset=2.5', 'a fractional offset'],
  ['page=2', 'an unknown parameter'],
  ['__proto__=1', 'a parameter named __proto__'],
  ['status=pending', 'a lower-case status'],
  ['status=CANCELLED', 'a status outside the four'],
  ['status=PENDING&status=FAILED', 'two statuses'],
  ['source=youtube', 'a lower-case source'],
  ['source=VIMEO', 'an unknown source'],
  ['sortBy=title', 'a sortBy outside the three timestamps'],
  ['sortBy=created_at', 'a column name as sortBy'],
  ['sortOrder=DESC', 'an upper-case sortOrder'],
  ['sortOrder=random', 'an unknown sortOrder'],
] as const

for (const [query, what] of badQueries) {
  t.test(`GET /api/jobs?${query} (${what}) answers 400 INVALID_QUERY`, async (t) => {
    const answer = await api.request('GET', `/api/jobs?${query}`, { as: newUser() })
    expectError(t, answer, 'INVALID_QUERY', /^Invalid query parameters/u)
  })
}

t.test('paging through jobs with equal timestamps repeats and skips none', async (t) => {
  const user = newUser()
  const at = minute(30)
  const seeded = new Set<string>()
  for (let n = 0; n < 13; n++) {
    seeded.add(await seedJob(api.db, { userId: user, status: 'FAILED', createdAt: at }))
  }

  for (const sortBy of ['createdAt', 'updatedAt', 'completedAt']) {
    for (const sortOrder of ['asc', 'desc']) {
      const seen: string[] = []
      let offset: number | null = 0
      while (offset !== null) {
        const query = `sortBy=${sortBy}&sortOrder=${sortOrder}&limit=4&offset=${offset}`
        const page = await api.request('GET', `/api/jobs?${query}`, { as: user })
        seen.push(...ids(page))
        offset = page.body.data.pagination.nextOffset
      }
      t.equal(seen.length, 13, `${sortBy} ${sortOrder}: 13 rows over 4 pages`)
      t.same(new Set(seen), seeded, `${sortBy} ${sortOrder}: every job exactly once`)
    }
  }
})
