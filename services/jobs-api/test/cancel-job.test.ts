import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  malformedJobIds,
  newUser,
  seedJob,
  startApi,
  unroutableJobIds,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const cancel = (jobId: string, user: string) =>
  api.request('POST', `/api/jobs/${jobId}/cancel`, { as: user })
const fetchJob = async (jobId: string, user: string) =>
  (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data

for (const status of ['PENDING', 'IN_PROGRESS'] as const) {
  t.test(`cancelling a job in ${status} ends it FAILED with errorCode CANCELLED`, async (t) => {
    const user = newUser()
    const before = new Date(Date.now() - 60_000)
    const jobId = await seedJob(api.db, {
      userId: user,
      status,
      progress: status === 'PENDING' ? 0 : 40,
      createdAt: before,
    })

    const answer = await cancel(jobId, user)
    t.equal(answer.status, 200)
    t.same(answer.body, { success: true, message: 'Job cancelled successfully' })

    const job = await fetchJob(jobId, user)
    t.equal(job.status, 'FAILED')
    t.equal(job.errorCode, 'CANCELLED')
    t.equal(job.errorMessage, 'Job cancelled by user')
    t.equal(job.progress, status === 'PENDING' ? 0 : 40, 'progress is left where it was')
    t.equal(job.completedAt, null, 'a cancelled job never completed')
    t.equal(job.noteId, null)
    t.ok(Date.parse(job.updatedAt) > before.getTime(), 'updatedAt moved')
  })
}

t.test('cancelling a job twice answers 400 JOB_NOT_CANCELLABLE the second time', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user, status: 'PENDING' })
  t.equal((await cancel(jobId, user)).status, 200)
  const again = await cancel(jobId, user)
  expectError(t, again, 'JOB_NOT_CANCELLABLE', 'Cannot cancel completed or failed job')
  t.equal((await fetchJob(jobId, user)).errorCode, 'CANCELLED', 'still cancelled')
})

t.test('two cancels racing for one job: exactly one succeeds', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user, status: 'IN_PROGRESS' })
  const answers = await Promise.all([cancel(jobId, user), cancel(jobId, user)])
  t.same(answers.map((answer) => answer.status).sort(), [200, 400])
  const refused = answers.find((answer) => answer.status === 400)
  t.equal(refused?.body.code, 'JOB_NOT_CANCELLABLE')
})

for (const status of ['COMPLETED', 'FAILED'] as const) {
  t.test(
    `cancelling a job in ${status} answers 400 JOB_NOT_CANCELLABLE, changing nothing`,
    async (t) => {
      const user = newUser()
      const jobId = await seedJob(api.db, {
        userId: user,
        status,
        completedAt: status === 'COMPLETED' ? new Date() : null,
        errorCode: status === 'FAILED' ? 'NETWORK_TIMEOUT' : null,
        errorMessage:
          status === 'FAILED' ? 'Network timeout: download or processing timed out' : null,
      })
      const before = await fetchJob(jobId, user)

      const answer = await cancel(jobId, user)
      expectError(t, answer, 'JOB_NOT_CANCELLABLE', 'Cannot cancel completed or failed job')
      t.same(await fetchJob(jobId, user), before)
    },
  )
}

t.test('cancelling an unknown job answers 404 JOB_NOT_FOUND', async (t) => {
  expectError(t, await cancel(newId('job'), newUser()), 'JOB_NOT_FOUND', 'Job not found')
})

t.test('cancelling another user’s job answers 404, not 403, and leaves it running', async (t) => {
  const owner = newUser()
  const jobId = await seedJob(api.db, { userId: owner, status: 'IN_PROGRESS', progress: 30 })
  expectError(t, await cancel(jobId, newUser()), 'JOB_NOT_FOUND', 'Job not found')
  t.match(await fetchJob(jobId, owner), { status: 'IN_PROGRESS', progress: 30, errorCode: null })
})

for (const [what, segment] of malformedJobIds) {
  t.test(`POST /api/jobs/<${what}>/cancel answers 400 INVALID_JOB_ID`, async (t) => {
    const answer = await api.request('POST', `/api/jobs/${segment}/cancel`, { as: newUser() })
    expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
  })
}

for (const [what, segment] of unroutableJobIds) {
  t.test(
    `POST /api/jobs/<${what}>/cancel answers 400 INVALID_JOB_ID in the error shape`,
    async (t) => {
      const answer = await api.request('POST', `/api/jobs/${segment}/cancel`, { as: newUser() })
      expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
    },
  )
}
