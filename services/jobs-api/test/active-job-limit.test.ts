import t from 'tap'
import { expectError, newUser, seedJob, startApi } from './support.ts'

const limit = 3
const api = await startApi({ MAX_ACTIVE_JOBS_PER_USER: limit })
t.teardown(() => api.close())

function uploadForm() {
  const body = new FormData()
  body.append('file', new Blob([Buffer.alloc(64, 3)]), 'lecture.mp3')
  return body
}
const upload = (user: string) =>
  api.request('POST', '/api/imports/upload', { as: user, payload: uploadForm() })
let videoCounter = 0
/** A different video each time: repeating one the user is importing returns that job. */
const importVideo = (user: string) => {
  videoCounter += 1
  const videoId = `video${String(videoCounter).padStart(6, '0')}`
  return api.request('POST', '/api/imports/youtube', {
    as: user,
    payload: { url: `https://youtu.be/${videoId}` },
  })
}
const activeCount = async (user: string) => {
  const query = (status: string) => api.request('GET', `/api/jobs?status=${status}`, { as: user })
  const [pending, running] = await Promise.all([query('PENDING'), query('IN_PROGRESS')])
  return pending.body.data.pagination.total + running.body.data.pagination.total
}

async function userAtLimit(): Promise<string> {
  const user = newUser()
  await seedJob(api.db, { userId: user, status: 'PENDING' })
  await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  return user
}

t.test('an upload beyond MAX_ACTIVE_JOBS_PER_USER answers 429 RATE_LIMITED', async (t) => {
  const user = await userAtLimit()
  const answer = await upload(user)
  expectError(t, answer, 'RATE_LIMITED', 'Too many concurrent jobs')
  t.equal(answer.headers['retry-after'], '30', 'Retry-After: 30 seconds')
  t.equal(await activeCount(user), limit, 'no job was added')
})

t.test('a YouTube import beyond the limit answers 429 RATE_LIMITED with Retry-After', async (t) => {
  const user = await userAtLimit()
  const answer = await importVideo(user)
  expectError(t, answer, 'RATE_LIMITED', 'Too many concurrent jobs')
  t.equal(answer.headers['retry-after'], '30')
  t.equal(await activeCount(user), limit)
})

t.test('other refusals carry no Retry-After', async (t) => {
  const answer = await api.request('GET', '/api/jobs?limit=0', { as: newUser() })
  t.equal(answer.status, 400)
  t.equal(answer.headers['retry-after'], undefined)
})

t.test('another user is unaffected by one user reaching the limit', async (t) => {
  await userAtLimit()
  const other = newUser()
  t.equal((await upload(other)).status, 202)
  t.equal((await importVideo(other)).status, 202)
})

t.test('completed and failed jobs do not count toward the limit', async (t) => {
  const user = newUser()
  for (const status of ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED'] as const) {
    await seedJob(api.db, { userId: user, status })
  }
  await seedJob(api.db, { userId: user, status: 'PENDING' })
  await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  t.equal((await upload(user)).status, 202, 'the third active job is allowed')
  expectError(t, await importVideo(user), 'RATE_LIMITED')
})

t.test('cancelling an active job frees a slot', async (t) => {
  const user = newUser()
  const first = await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  await seedJob(api.db, { userId: user, status: 'PENDING' })
  await seedJob(api.db, { userId: user, status: 'PENDING' })
  expectError(t, await importVideo(user), 'RATE_LIMITED')

  t.equal((await api.request('POST', `/api/jobs/${first}/cancel`, { as: user })).status, 200)
  t.equal((await importVideo(user)).status, 202)
})

t.test('imports racing for the last two slots: exactly two are accepted', async (t) => {
  const user = newUser()
  await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  const answers = await Promise.all([
    upload(user),
    importVideo(user),
    upload(user),
    importVideo(user),
    importVideo(user),
  ])
  const statuses = answers.map((answer) => answer.status).sort()
  t.same(statuses, [202, 202, 429, 429, 429])
  for (const answer of answers.filter((a) => a.status === 429)) {
    expectError(t, answer, 'RATE_LIMITED')
  }
  t.equal(await activeCount(user), limit, 'the limit holds under concurrency')
})
