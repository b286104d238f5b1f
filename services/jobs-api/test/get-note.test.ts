import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  newUser,
  noteInfoFields,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const getNote = (noteId: string, user: string) =>
  api.request('GET', `/api/notes/${noteId}`, { as: user })

t.test(
  'a note answers the reference fields, its course, key points and timed transcript',
  async (t) => {
    const user = newUser()
    const course = await seedCourse(api.db, { userId: user, name: 'Biology 101' })
    const jobId = await seedJob(api.db, {
      userId: user,
      status: 'COMPLETED',
      completedAt: new Date(),
    })
    const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })

    const answer = await getNote(noteId, user)
    t.equal(answer.status, 200)
    t.same(Object.keys(answer.body).sort(), ['data', 'success'])
    t.equal(answer.body.success, true)
    const note = answer.body.data
    t.same(
      Object.keys(note).sort(),
      [...noteInfoFields, 'jobId', 'keyPoints', 'transcript'].sort(),
      'the note fields plus the documented additions',
    )
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
      keyPoints: ['Mitosis makes two cells', 'Meiosis makes four'],
      transcript: {
        text: 'Cells divide. They divide again.',
        segments: [
          { start: 0, end: 1.5, text: 'Cells divide.' },
          { start: 1.5, end: 3.25, text: 'They divide again.' },
        ],
        empty: false,
      },
    })
  },
)

t.test('a note filed under no course answers course null', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  const answer = await getNote(noteId, user)
  t.equal(answer.status, 200)
  t.equal(answer.body.data.course, null)
  t.equal(answer.body.data.jobId, null)
})

t.test('a course without color or emoji answers them as null', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, {
    userId: user,
    name: 'History',
    color: null,
    emoji: null,
  })
  const noteId = await seedNote(api.db, { userId: user, courseId: course })
  const answer = await getNote(noteId, user)
  t.same(answer.body.data.course, { id: course, name: 'History', color: null, emoji: null })
})

t.test('an unknown note answers 404 NOTE_NOT_FOUND', async (t) => {
  expectError(t, await getNote(newId('note'), newUser()), 'NOTE_NOT_FOUND', 'Note not found')
})

t.test('another user’s note answers 404 NOTE_NOT_FOUND, never 403', async (t) => {
  const owner = newUser()
  const noteId = await seedNote(api.db, { userId: owner })
  expectError(t, await getNote(noteId, newUser()), 'NOTE_NOT_FOUND', 'Note not found')
  t.equal((await getNote(noteId, owner)).status, 200, 'the owner still sees it')
})

const malformedNoteIds = [
  ['abc', 'abc'],
  ['note_', 'note_'],
  ['a job id', 'job_abc123'],
  ['note_../x', encodeURIComponent('note_../x')],
  ['note_ and 65 characters', `note_${'a'.repeat(65)}`],
  ['note_ with a NUL byte', 'note_%00'],
  ['note_ with a space', encodeURIComponent('note_a b')],
] as const

for (const [what, segment] of malformedNoteIds) {
  t.test(`GET /api/notes/<${what}> answers 400 INVALID_NOTE_ID`, async (t) => {
    const answer = await api.request('GET', `/api/notes/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_NOTE_ID', 'Invalid note ID')
  })
}

const unroutableNoteIds = [
  ['note_ and 500 characters', `note_${'a'.repeat(500)}`],
  ['a truncated percent-escape', 'note_%E0%A4%A'],
] as const

for (const [what, segment] of unroutableNoteIds) {
  t.test(`GET /api/notes/<${what}> answers 400 INVALID_NOTE_ID in the error shape`, async (t) => {
    const answer = await api.request('GET', `/api/notes/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_NOTE_ID', 'Invalid note ID')
  })
}
