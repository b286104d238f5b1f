import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  isoDateTime,
  json,
  malformedNoteIds,
  newUser,
  noteSummaryFields,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const patch = (noteId: string, user: string, body: unknown) =>
  api.request('PATCH', `/api/notes/${noteId}`, { as: user, ...json(body) })
const getNote = async (noteId: string, user: string) =>
  (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data

t.test('a new title answers 200 with the whole note, renamed and updated now', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  const before = await getNote(noteId, user)

  const answer = await patch(noteId, user, { title: '  Cell   division,\n part 2 ' })
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  const note = answer.body.data
  t.same(
    Object.keys(note).sort(),
    [...noteSummaryFields, 'keyPoints', 'transcript'].sort(),
    'the shape of GET /api/notes/:id',
  )
  t.equal(note.title, 'Cell division, part 2', 'trimmed and single-spaced')
  t.match(note.updatedAt, isoDateTime)
  t.ok(Date.parse(note.updatedAt) > Date.parse(before.updatedAt), 'updatedAt moved')
  t.same(
    { ...note, title: before.title, updatedAt: before.updatedAt },
    before,
    'nothing else changed',
  )
  t.same(await getNote(noteId, user), note, 'GET answers the note as PATCH did')
})

t.test('a courseId files the note under the caller’s course; null takes it out', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user, name: 'Biology 101' })
  const noteId = await seedNote(api.db, { userId: user })

  const filed = await patch(noteId, user, { courseId: course })
  t.equal(filed.status, 200)
  t.same(filed.body.data.course, { id: course, name: 'Biology 101', color: 'green', emoji: '🧬' })
  t.equal(filed.body.data.title, 'Biology Lecture 5', 'the title stays')

  const unfiled = await patch(noteId, user, { courseId: null })
  t.equal(unfiled.status, 200)
  t.equal(unfiled.body.data.course, null)
  t.equal((await getNote(noteId, user)).course, null)
})

t.test('title and course change together in one request', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user, name: 'History', emoji: null })
  const noteId = await seedNote(api.db, { userId: user })
  const answer = await patch(noteId, user, { title: 'Rome', courseId: course })
  t.equal(answer.body.data.title, 'Rome')
  t.same(answer.body.data.course, { id: course, name: 'History', color: 'green', emoji: null })
})

t.test('the job that made the note shows the note’s new course and title', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
  })
  const noteId = await seedNote(api.db, { userId: user, jobId })
  await patch(noteId, user, { title: 'Renamed', courseId: course })
  const job = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data
  t.equal(job.note.title, 'Renamed')
  t.equal(job.note.course.id, course)
  t.equal(job.courseId, course, 'the job follows its note')
})

t.test(
  'PATCH {courseId: C} on a note imported under B moves its job to C too; ' +
    'courseId null moves both to no course',
  async (t) => {
    const user = newUser()
    const imported = await seedCourse(api.db, { userId: user, name: 'Imported under' })
    const refiled = await seedCourse(api.db, { userId: user, name: 'Refiled under' })
    const jobId = await seedJob(api.db, {
      userId: user,
      status: 'COMPLETED',
      completedAt: new Date('2024-01-15T10:03:45.000Z'),
      updatedAt: new Date('2024-01-15T10:03:45.000Z'),
      courseId: imported,
    })
    const noteId = await seedNote(api.db, { userId: user, jobId, courseId: imported })
    const getJob = async () =>
      (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data

    await patch(noteId, user, { courseId: refiled })
    const moved = await getJob()
    t.equal(moved.courseId, refiled)
    t.equal(moved.note.course.id, refiled)
    t.equal(moved.updatedAt, '2024-01-15T10:03:45.000Z', 'the job’s history is unchanged')

    await patch(noteId, user, { title: 'Only renamed' })
    t.equal((await getJob()).courseId, refiled, 'a rename leaves the course alone')

    await patch(noteId, user, { courseId: null })
    const filedNowhere = await getJob()
    t.equal(filedNowhere.courseId, null)
    t.equal(filedNowhere.note.course, null)
  },
)

t.test('a refused PATCH leaves the job’s course as it was', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, { userId: user, status: 'COMPLETED', courseId: course })
  const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })
  const theirs = await seedCourse(api.db, { userId: newUser() })
  expectError(t, await patch(noteId, user, { courseId: theirs }), 'COURSE_NOT_FOUND')
  const job = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data
  t.equal(job.courseId, course)
})

t.test('another user’s course answers 404 COURSE_NOT_FOUND and changes nothing', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  const theirs = await seedCourse(api.db, { userId: newUser() })
  expectError(t, await patch(noteId, user, { title: 'x', courseId: theirs }), 'COURSE_NOT_FOUND')
  expectError(t, await patch(noteId, user, { courseId: newId('course') }), 'COURSE_NOT_FOUND')
  const note = await getNote(noteId, user)
  t.equal(note.title, 'Biology Lecture 5', 'the title in the same request was not applied')
  t.equal(note.course, null)
})

t.test('another user’s note answers 404 NOTE_NOT_FOUND and stays as it was', async (t) => {
  const owner = newUser()
  const noteId = await seedNote(api.db, { userId: owner })
  expectError(t, await patch(noteId, newUser(), { title: 'Mine now' }), 'NOTE_NOT_FOUND')
  expectError(t, await patch(newId('note'), owner, { title: 'x' }), 'NOTE_NOT_FOUND')
  t.equal((await getNote(noteId, owner)).title, 'Biology Lecture 5')
})

const badTitles: Array<[string, unknown]> = [
  ['an empty title', ''],
  ['a blank title', '   \n\t '],
  ['a title of 201 characters', 'x'.repeat(201)],
]
for (const [what, title] of badTitles) {
  t.test(`${what} answers 400 NOTE_TITLE_INVALID`, async (t) => {
    const user = newUser()
    const noteId = await seedNote(api.db, { userId: user })
    expectError(t, await patch(noteId, user, { title }), 'NOTE_TITLE_INVALID')
  })
}

t.test('a malformed courseId answers 400 INVALID_COURSE_ID', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  for (const courseId of ['abc', 'note_abc', 'course_', `course_${'a'.repeat(65)}`, '']) {
    expectError(t, await patch(noteId, user, { courseId }), 'INVALID_COURSE_ID')
  }
})

const badBodies: Array<[string, unknown]> = [
  ['an empty object', {}],
  ['an unknown field', { title: 'x', summary: 'rewritten' }],
  ['a userId field', { userId: 'user_someone_else' }],
  ['a title that is a number', { title: 5 }],
  ['a title that is null', { title: null }],
  ['a title that is an array', { title: ['x'] }],
  ['a courseId that is a number', { courseId: 5 }],
  ['a courseId that is an object', { courseId: { id: 'course_1' } }],
  ['an array body', [{ title: 'x' }]],
  ['a JSON string body', 'title'],
  ['a JSON null body', null],
]
for (const [what, body] of badBodies) {
  t.test(`a body with ${what} answers 400 INVALID_BODY`, async (t) => {
    const user = newUser()
    const noteId = await seedNote(api.db, { userId: user })
    expectError(t, await patch(noteId, user, body), 'INVALID_BODY', /^Invalid request body/u)
  })
}

t.test('malformed JSON answers 400 INVALID_BODY', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  const answer = await api.request('PATCH', `/api/notes/${noteId}`, {
    as: user,
    payload: '{"title": "x"',
    headers: { 'content-type': 'application/json' },
  })
  expectError(t, answer, 'INVALID_BODY')
})

t.test('a body over 64 KiB answers 413 BODY_TOO_LARGE', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  expectError(t, await patch(noteId, user, { title: 'x'.repeat(70 * 1024) }), 'BODY_TOO_LARGE')
})

t.test('a form body answers 415 UNSUPPORTED_MEDIA_TYPE', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  const answer = await api.request('PATCH', `/api/notes/${noteId}`, {
    as: user,
    payload: 'title=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  expectError(t, answer, 'UNSUPPORTED_MEDIA_TYPE')
})

for (const [what, segment] of malformedNoteIds) {
  t.test(`PATCH /api/notes/<${what}> answers 400 INVALID_NOTE_ID`, async (t) => {
    const answer = await api.request('PATCH', `/api/notes/${segment}`, {
      as: newUser(),
      ...json({ title: 'x' }),
    })
    expectError(t, answer, 'INVALID_NOTE_ID', 'Invalid note ID')
  })
}

t.test('without a token PATCH answers 401 AUTH_REQUIRED', async (t) => {
  const answer = await api.request('PATCH', `/api/notes/${newId('note')}`, json({ title: 'x' }))
  expectError(t, answer, 'AUTH_REQUIRED')
})
