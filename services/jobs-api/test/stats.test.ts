import t from 'tap'
import type { JobStatusValue } from '../src/db/schema.ts'
import { isoDateTime, newUser, seedJob, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const stats = async (user: string) => api.request('GET', '/api/jobs/stats', { as: user })
const minute = (n: number) => new Date(Date.UTC(2024, 0, 15, 9, n))

async function seedMany(user: string, counts: Partial<Record<JobStatusValue, number>>) {
  let n = 0
  for (const [status, count] of Object.entries(counts) as Array<[JobStatusValue, number]>) {
    for (let i = 0; i < count; i++) {
      const completedAt = status === 'COMPLETED' ? minute(n + 1) : null
      await seedJob(api.db, { userId: user, status, createdAt: minute(n++), completedAt })
    }
  }
}

t.test('the reference’s 45 jobs: counts by status, success rate 89 and queue stats', async (t) => {
  const user = newUser()
  await seedMany(user, { COMPLETED: 40, PENDING: 2, IN_PROGRESS: 1, FAILED: 2 })
  await seedMany(newUser(), { COMPLETED: 3, FAILED: 7 })

  const answer = await stats(user)
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  const data = answer.body.data
  t.same(Object.keys(data).sort(), ['byStatus', 'queueStats', 'recentJobs', 'successRate', 'total'])
  t.equal(data.total, 45, 'only the caller’s jobs count')
  t.same(data.byStatus, { pending: 2, inProgress: 1, completed: 40, failed: 2 })
  t.equal(data.successRate, 89, '40 of 45 rounds to 89')
  t.same(data.queueStats, { waiting: 2, active: 1, completed: 40, failed: 2, total: 45 })
})

t.test('recentJobs: the five newest jobs with exactly the reference’s fields', async (t) => {
  const user = newUser()
  const done = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    source: 'YOUTUBE',
    createdAt: new Date('2024-01-15T10:00:00.000Z'),
    completedAt: new Date('2024-01-15T10:03:45.000Z'),
  })
  const running = await seedJob(api.db, {
    userId: user,
    status: 'IN_PROGRESS',
    source: 'UPLOAD',
    title: 'audio_lecture.mp3',
    progress: 75,
    createdAt: new Date('2024-01-15T09:45:00.000Z'),
  })
  const older: string[] = []
  for (let n = 0; n < 4; n++) {
    older.push(await seedJob(api.db, { userId: user, status: 'FAILED', createdAt: minute(n) }))
  }

  const { recentJobs } = (await stats(user)).body.data
  t.same(
    recentJobs.map((job: { id: string }) => job.id),
    [done, running, older[3], older[2], older[1]],
    'newest first, five of six',
  )
  for (const job of recentJobs) {
    t.same(Object.keys(job).sort(), [
      'completedAt',
      'createdAt',
      'id',
      'progress',
      'source',
      'status',
      'title',
    ])
    t.match(job.createdAt, isoDateTime)
  }
  t.same(recentJobs[0], {
    id: done,
    title: 'Processing: Biology Lecture 5',
    status: 'COMPLETED',
    progress: 100,
    source: 'YOUTUBE',
    createdAt: '2024-01-15T10:00:00.000Z',
    completedAt: '2024-01-15T10:03:45.000Z',
  })
  t.same(recentJobs[1], {
    id: running,
    title: 'Processing: audio_lecture.mp3',
    status: 'IN_PROGRESS',
    progress: 75,
    source: 'UPLOAD',
    createdAt: '2024-01-15T09:45:00.000Z',
    completedAt: null,
  })
})

t.test('a user without jobs gets zeros, success rate 0 and no recent jobs', async (t) => {
  const answer = await stats(newUser())
  t.equal(answer.status, 200)
  t.same(answer.body.data, {
    total: 0,
    byStatus: { pending: 0, inProgress: 0, completed: 0, failed: 0 },
    successRate: 0,
    recentJobs: [],
    queueStats: { waiting: 0, active: 0, completed: 0, failed: 0, total: 0 },
  })
})

const rates: Array<[Partial<Record<JobStatusValue, number>>, number, string]> = [
  [{ COMPLETED: 2, FAILED: 1 }, 67, '2 of 3 rounds up to 67'],
  [{ COMPLETED: 1, PENDING: 2 }, 33, '1 of 3 rounds down to 33'],
  [{ COMPLETED: 3 }, 100, '3 of 3 is 100'],
  [{ FAILED: 2, IN_PROGRESS: 1 }, 0, 'none completed is 0'],
]
for (const [counts, rate, what] of rates) {
  t.test(`successRate: ${what}`, async (t) => {
    const user = newUser()
    await seedMany(user, counts)
    const { successRate } = (await stats(user)).body.data
    t.equal(successRate, rate)
    t.ok(Number.isInteger(successRate), 'an integer percentage')
  })
}

t.test('stats follow a cancel: the job moves from pending to failed', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user, status: 'PENDING' })
  await seedJob(api.db, { userId: user, status: 'COMPLETED', completedAt: new Date() })
  t.same((await stats(user)).body.data.byStatus, {
    pending: 1,
    inProgress: 0,
    completed: 1,
    failed: 0,
  })

  t.equal((await api.request('POST', `/api/jobs/${jobId}/cancel`, { as: user })).status, 200)
  const after = (await stats(user)).body.data
  t.same(after.byStatus, { pending: 0, inProgress: 0, completed: 1, failed: 1 })
  t.equal(after.successRate, 50)
})
