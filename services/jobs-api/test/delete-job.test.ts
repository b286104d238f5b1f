import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  malformedJobIds,
  newUser,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
  unroutableJobIds,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const remove = (jobId: string, user: string) =>
  api.request('DELETE', `/api/jobs/${jobId}`, { as: user })

t.test('deleting a completed job removes it and keeps its note', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
  })
  const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })

  const answer = await remove(jobId, user)
  t.equal(answer.status, 200)
  t.same(answer.body, { success: true, message: 'Job deleted successfully' })

  expectError(t, await api.request('GET', `/api/jobs/${jobId}`, { as: user }), 'JOB_NOT_FOUND')
  const list = await api.request('GET', '/api/jobs', { as: user })
  t.same(list.body.data.jobs, [], 'the list no longer has it')
  t.equal(list.body.data.pagination.total, 0)

  const note = await api.request('GET', `/api/notes/${noteId}`, { as: user })
  t.equal(note.status, 200, 'the note is still there')
  t.equal(note.body.data.id, noteId)
  t.equal(note.body.data.jobId, null, 'and no longer points at the deleted job')
  t.same(note.body.data.course, { id: course, name: 'Biology 101', color: 'green', emoji: '🧬' })
})

t.test('deleting a failed job answers 200 and a second delete answers 404', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'FAILED',
    errorCode: 'UNSUPPORTED_FORMAT',
    errorMessage: 'Audio/video format not supported',
  })
  t.same((await remove(jobId, user)).body, { success: true, message: 'Job deleted successfully' })
  expectError(t, await remove(jobId, user), 'JOB_NOT_FOUND', 'Job not found')
})

t.test('a cancelled job can be deleted', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user, status: 'PENDING' })
  t.equal((await api.request('POST', `/api/jobs/${jobId}/cancel`, { as: user })).status, 200)
  t.equal((await remove(jobId, user)).status, 200)
})

for (const status of ['PENDING', 'IN_PROGRESS'] as const) {
  t.test(`deleting a job in ${status} answers 400 JOB_ACTIVE and keeps it`, async (t) => {
    const user = newUser()
    const jobId = await seedJob(api.db, { userId: user, status })
    expectError(
      t,
      await remove(jobId, user),
      'JOB_ACTIVE',
      'Cannot delete active job; cancel it first',
    )
    const still = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
    t.equal(still.status, 200)
    t.equal(still.body.data.status, status)
  })
}

t.test('deleting an unknown job answers 404 JOB_NOT_FOUND', async (t) => {
  expectError(t, await remove(newId('job'), newUser()), 'JOB_NOT_FOUND', 'Job not found')
})

t.test('deleting another user’s job answers 404, not 403, and keeps it', async (t) => {
  const owner = newUser()
  const jobId = await seedJob(api.db, {
    userId: owner,
    status: 'COMPLETED',
    completedAt: new Date(),
  })
  expectError(t, await remove(jobId, newUser()), 'JOB_NOT_FOUND', 'Job not found')
  t.equal((await api.request('GET', `/api/jobs/${jobId}`, { as: owner })).status, 200)
})

for (const [what, segment] of malformedJobIds) {
  t.test(`DELETE /api/jobs/<${what}> answers 400 INVALID_JOB_ID`, async (t) => {
    const answer = await api.request('DELETE', `/api/jobs/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
  })
}

for (const [what, segment] of unroutableJobIds) {
  t.test(`DELETE /api/jobs/<${what}> answers 400 INVALID_JOB_ID in the error shape`, async (t) => {
    const answer = await api.request('DELETE', `/api/jobs/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
  })
}
