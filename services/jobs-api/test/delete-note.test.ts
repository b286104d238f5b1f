import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  malformedNoteIds,
  newUser,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const remove = (noteId: string, user: string) =>
  api.request('DELETE', `/api/notes/${noteId}`, { as: user })

t.test('deleting a note removes it, and its job stays with no note', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
    courseId: course,
  })
  const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })

  const answer = await remove(noteId, user)
  t.equal(answer.status, 200)
  t.same(answer.body, { success: true, message: 'Note deleted successfully' })

  expectError(t, await api.request('GET', `/api/notes/${noteId}`, { as: user }), 'NOTE_NOT_FOUND')
  const list = await api.request('GET', '/api/notes', { as: user })
  t.same(list.body.data.notes, [])
  t.equal(list.body.data.pagination.total, 0)

  const job = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(job.status, 200, 'the job is still there')
  t.equal(job.body.data.status, 'COMPLETED')
  t.equal(job.body.data.noteId, null, 'and no longer points at the deleted note')
  t.equal(job.body.data.note, null)
  t.equal(job.body.data.courseId, course, 'it keeps the course it was imported under')

  const courseAnswer = await api.request('GET', `/api/courses/${course}`, { as: user })
  t.equal(courseAnswer.status, 200, 'the course stays too')
})

t.test('a note without a job is deleted too; a second delete answers 404', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  t.same((await remove(noteId, user)).body, { success: true, message: 'Note deleted successfully' })
  expectError(t, await remove(noteId, user), 'NOTE_NOT_FOUND', 'Note not found')
})

t.test('deleting another user’s note answers 404, not 403, and keeps it', async (t) => {
  const owner = newUser()
  const noteId = await seedNote(api.db, { userId: owner })
  expectError(t, await remove(noteId, newUser()), 'NOTE_NOT_FOUND', 'Note not found')
  t.equal((await api.request('GET', `/api/notes/${noteId}`, { as: owner })).status, 200)
})

t.test('deleting an unknown note answers 404 NOTE_NOT_FOUND', async (t) => {
  expectError(t, await remove(newId('note'), newUser()), 'NOTE_NOT_FOUND')
})

t.test('deleting one note leaves the user’s other notes alone', async (t) => {
  const user = newUser()
  const kept = await seedNote(api.db, { userId: user })
  const gone = await seedNote(api.db, { userId: user })
  await remove(gone, user)
  const list = await api.request('GET', '/api/notes', { as: user })
  t.same(
    list.body.data.notes.map((note: { id: string }) => note.id),
    [kept],
  )
})

for (const [what, segment] of malformedNoteIds) {
  t.test(`DELETE /api/notes/<${what}> answers 400 INVALID_NOTE_ID`, async (t) => {
    const answer = await api.request('DELETE', `/api/notes/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_NOTE_ID', 'Invalid note ID')
  })
}

t.test('without a token DELETE answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('DELETE', `/api/notes/${newId('note')}`), 'AUTH_REQUIRED')
})
