import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  courseFields,
  expectError,
  json,
  malformedCourseIds,
  newUser,
  seedCourse,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const patch = (courseId: string, user: string, body: unknown) =>
  api.request('PATCH', `/api/courses/${courseId}`, { as: user, ...json(body) })
const getCourse = async (courseId: string, user: string) =>
  (await api.request('GET', `/api/courses/${courseId}`, { as: user })).body.data

t.test('a new name answers 200 with the course renamed and updatedAt moved', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user, name: 'Biology' })
  const before = await getCourse(courseId, user)

  const answer = await patch(courseId, user, { name: '  Biology   101 ' })
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.same(Object.keys(answer.body.data).sort(), courseFields)
  t.match(answer.body.data, { id: courseId, name: 'Biology 101', color: 'green', emoji: '🧬' })
  t.equal(answer.body.data.createdAt, before.createdAt)
  t.ok(Date.parse(answer.body.data.updatedAt) > Date.parse(before.updatedAt), 'updatedAt moved')
  t.same(await getCourse(courseId, user), answer.body.data)
})

t.test('color and emoji change, and null clears them; the name stays', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user, name: 'Art' })
  const changed = await patch(courseId, user, { color: '#FF8800', emoji: '🎨' })
  t.match(changed.body.data, { name: 'Art', color: '#ff8800', emoji: '🎨' })
  const cleared = await patch(courseId, user, { color: null, emoji: null })
  t.match(cleared.body.data, { name: 'Art', color: null, emoji: null })
})

t.test('notes filed under the course show its new name', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user, name: 'Bio' })
  const noteId = await seedNote(api.db, { userId: user, courseId })
  await patch(courseId, user, { name: 'Biology 101', color: 'blue' })
  const note = await api.request('GET', `/api/notes/${noteId}`, { as: user })
  t.same(note.body.data.course, { id: courseId, name: 'Biology 101', color: 'blue', emoji: '🧬' })
})

t.test('another user’s course answers 404 COURSE_NOT_FOUND and stays as it was', async (t) => {
  const owner = newUser()
  const courseId = await seedCourse(api.db, { userId: owner, name: 'Mine' })
  expectError(t, await patch(courseId, newUser(), { name: 'Theirs' }), 'COURSE_NOT_FOUND')
  expectError(t, await patch(newId('course'), owner, { name: 'x' }), 'COURSE_NOT_FOUND')
  t.equal((await getCourse(courseId, owner)).name, 'Mine')
})

const badFields: Array<[string, unknown, string]> = [
  ['a blank name', { name: '   ' }, 'COURSE_NAME_INVALID'],
  ['an empty name', { name: '' }, 'COURSE_NAME_INVALID'],
  ['a name of 101 characters', { name: 'y'.repeat(101) }, 'COURSE_NAME_INVALID'],
  ['a name with a tab (a\\tb), not rewritten to "a b"', { name: 'a\tb' }, 'COURSE_NAME_INVALID'],
  ['a color outside the palette', { color: 'beige' }, 'COURSE_COLOR_INVALID'],
  ['a hex color of 8 digits', { color: '#11223344' }, 'COURSE_COLOR_INVALID'],
  ['two emoji', { emoji: '🎨🎭' }, 'COURSE_EMOJI_INVALID'],
  ['a word as emoji', { emoji: 'art' }, 'COURSE_EMOJI_INVALID'],
]
for (const [what, body, code] of badFields) {
  t.test(`${what} answers 400 ${code} and changes nothing`, async (t) => {
    const user = newUser()
    const courseId = await seedCourse(api.db, { userId: user, name: 'Kept' })
    const before = await getCourse(courseId, user)
    expectError(t, await patch(courseId, user, body), code as 'COURSE_NAME_INVALID')
    t.same(await getCourse(courseId, user), before)
  })
}

const badBodies: Array<[string, unknown]> = [
  ['an empty object', {}],
  ['a null name', { name: null }],
  ['a name that is a number', { name: 7 }],
  ['a color that is an array', { color: ['green'] }],
  ['an unknown field', { name: 'x', archived: true }],
  ['an id field', { id: 'course_other' }],
  ['a JSON null body', null],
]
for (const [what, body] of badBodies) {
  t.test(`a body with ${what} answers 400 INVALID_BODY`, async (t) => {
    const user = newUser()
    const courseId = await seedCourse(api.db, { userId: user })
    expectError(t, await patch(courseId, user, body), 'INVALID_BODY', /^Invalid request body/u)
  })
}

t.test('a body over 64 KiB answers 413 BODY_TOO_LARGE', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user })
  expectError(t, await patch(courseId, user, { name: 'z'.repeat(70 * 1024) }), 'BODY_TOO_LARGE')
})

t.test('a form body answers 415 UNSUPPORTED_MEDIA_TYPE', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user })
  const answer = await api.request('PATCH', `/api/courses/${courseId}`, {
    as: user,
    payload: 'name=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  expectError(t, answer, 'UNSUPPORTED_MEDIA_TYPE')
})

for (const [what, segment] of malformedCourseIds) {
  t.test(`PATCH /api/courses/<${what}> answers 400 INVALID_COURSE_ID`, async (t) => {
    const answer = await api.request('PATCH', `/api/courses/${segment}`, {
      as: newUser(),
      ...json({ name: 'x' }),
    })
    expectError(t, answer, 'INVALID_COURSE_ID', 'Invalid course ID')
  })
}

t.test('without a token PATCH answers 401 AUTH_REQUIRED', async (t) => {
  const answer = await api.request('PATCH', `/api/courses/${newId('course')}`, json({ name: 'x' }))
  expectError(t, answer, 'AUTH_REQUIRED')
})
