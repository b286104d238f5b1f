import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  malformedCourseIds,
  newUser,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const remove = (courseId: string, user: string) =>
  api.request('DELETE', `/api/courses/${courseId}`, { as: user })

t.test('deleting a course keeps its notes and jobs, filed under no course', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
    courseId,
  })
  const noteId = await seedNote(api.db, { userId: user, jobId, courseId })
  const running = await seedJob(api.db, { userId: user, status: 'IN_PROGRESS', courseId })
  const before = (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data

  const answer = await remove(courseId, user)
  t.equal(answer.status, 200)
  t.same(answer.body, { success: true, message: 'Course deleted successfully' })
  expectError(
    t,
    await api.request('GET', `/api/courses/${courseId}`, { as: user }),
    'COURSE_NOT_FOUND',
  )

  const note = (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data
  t.equal(note.course, null, 'the note stays, with no course')
  t.ok(Date.parse(note.updatedAt) > Date.parse(before.updatedAt), 'the note counts as changed')
  t.same({ ...note, course: before.course, updatedAt: before.updatedAt }, before)

  const job = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data
  t.equal(job.courseId, null, 'the job stays, with no course')
  t.equal(job.note.course, null)
  const active = (await api.request('GET', `/api/jobs/${running}`, { as: user })).body.data
  t.equal(active.status, 'IN_PROGRESS', 'a running job is not disturbed')
  t.equal(active.courseId, null, 'and will make a note under no course')
})

t.test(
  'notes filed under a course while it is deleted end under no course, never a 500',
  async (t) => {
    const user = newUser()
    const courseId = await seedCourse(api.db, { userId: user })
    const notes = await Promise.all(
      Array.from({ length: 8 }, () => seedNote(api.db, { userId: user })),
    )
    const filing = notes.map((noteId) =>
      api.request('PATCH', `/api/notes/${noteId}`, {
        as: user,
        payload: JSON.stringify({ courseId }),
        headers: { 'content-type': 'application/json' },
      }),
    )
    const [deleted, ...filed] = await Promise.all([remove(courseId, user), ...filing])
    t.equal(deleted?.status, 200)
    t.same(
      [...new Set(filed.map((answer) => answer.status))].filter(
        (status) => ![200, 404].includes(status),
      ),
      [],
      'each filing either won the race (200) or found the course gone (404)',
    )
    for (const noteId of notes) {
      const note = await api.request('GET', `/api/notes/${noteId}`, { as: user })
      t.equal(note.body.data.course, null, `${noteId} is under no course`)
    }
  },
)

t.test('a second delete answers 404 COURSE_NOT_FOUND', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user })
  t.equal((await remove(courseId, user)).status, 200)
  expectError(t, await remove(courseId, user), 'COURSE_NOT_FOUND', 'Course not found')
})

t.test('deleting another user’s course answers 404 and keeps it and its notes', async (t) => {
  const owner = newUser()
  const courseId = await seedCourse(api.db, { userId: owner })
  const noteId = await seedNote(api.db, { userId: owner, courseId })
  expectError(t, await remove(courseId, newUser()), 'COURSE_NOT_FOUND')
  t.equal((await api.request('GET', `/api/courses/${courseId}`, { as: owner })).status, 200)
  const note = await api.request('GET', `/api/notes/${noteId}`, { as: owner })
  t.equal(note.body.data.course.id, courseId)
})

t.test('deleting one course leaves the notes of the user’s other courses alone', async (t) => {
  const user = newUser()
  const gone = await seedCourse(api.db, { userId: user, name: 'Gone' })
  const kept = await seedCourse(api.db, { userId: user, name: 'Kept' })
  const noteId = await seedNote(api.db, { userId: user, courseId: kept })
  await remove(gone, user)
  const note = await api.request('GET', `/api/notes/${noteId}`, { as: user })
  t.equal(note.body.data.course.id, kept)
})

t.test('deleting an unknown course answers 404 COURSE_NOT_FOUND', async (t) => {
  expectError(t, await remove(newId('course'), newUser()), 'COURSE_NOT_FOUND')
})

for (const [what, segment] of malformedCourseIds) {
  t.test(`DELETE /api/courses/<${what}> answers 400 INVALID_COURSE_ID`, async (t) => {
    const answer = await api.request('DELETE', `/api/courses/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_COURSE_ID', 'Invalid course ID')
  })
}

t.test('without a token DELETE answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('DELETE', `/api/courses/${newId('course')}`), 'AUTH_REQUIRED')
})
