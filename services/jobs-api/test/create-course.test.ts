import t from 'tap'
import { courseFields, expectError, isoDateTime, json, newUser, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const create = (user: string, body: unknown) =>
  api.request('POST', '/api/courses', { as: user, ...json(body) })

t.test('a course answers 201 with the reference fields, a course_ id and timestamps', async (t) => {
  const user = newUser()
  const answer = await create(user, { name: 'Biology 101', color: 'green', emoji: '🧬' })
  t.equal(answer.status, 201)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  const course = answer.body.data
  t.same(Object.keys(course).sort(), courseFields)
  t.match(course, {
    id: /^course_[A-Za-z0-9]{20}$/u,
    name: 'Biology 101',
    color: 'green',
    emoji: '🧬',
  })
  t.match(course.createdAt, isoDateTime)
  t.equal(course.updatedAt, course.createdAt, 'a new course was last updated when created')

  const fetched = await api.request('GET', `/api/courses/${course.id}`, { as: user })
  t.same(fetched.body.data, course, 'GET answers the course as created')
})

t.test('a course with a name only has no color and no emoji', async (t) => {
  const answer = await create(newUser(), { name: 'History' })
  t.equal(answer.status, 201)
  t.equal(answer.body.data.color, null)
  t.equal(answer.body.data.emoji, null)
})

t.test('null color and emoji are accepted as none', async (t) => {
  const answer = await create(newUser(), { name: 'History', color: null, emoji: null })
  t.equal(answer.status, 201)
  t.match(answer.body.data, { color: null, emoji: null })
})

t.test('the name is trimmed and single-spaced', async (t) => {
  const answer = await create(newUser(), { name: '   Organic    Chemistry  ' })
  t.equal(answer.body.data.name, 'Organic Chemistry')
})

t.test('every palette color and any hex color are accepted; hex is lower-cased', async (t) => {
  const user = newUser()
  const palette = ['red', 'orange', 'yellow', 'green', 'teal', 'blue']
  for (const color of [...palette, 'indigo', 'purple', 'pink', 'gray']) {
    t.equal((await create(user, { name: color, color })).body.data.color, color)
  }
  t.equal((await create(user, { name: 'Hex', color: '#1A2b3C' })).body.data.color, '#1a2b3c')
})

t.test('emoji sequences that are one emoji are accepted as sent', async (t) => {
  const user = newUser()
  for (const emoji of ['👩🏽‍🔬', '🇫🇷', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '❤️']) {
    const answer = await create(user, { name: 'Course', emoji })
    t.equal(answer.status, 201, emoji)
    t.equal(answer.body.data.emoji, emoji)
  }
})

t.test('two users may each have a course of the same name', async (t) => {
  const first = await create(newUser(), { name: 'Biology 101' })
  const second = await create(newUser(), { name: 'Biology 101' })
  t.equal(first.status, 201)
  t.equal(second.status, 201)
  t.not(first.body.data.id, second.body.data.id)
})

const badFields: Array<[string, unknown, string]> = [
  ['an empty name', { name: '' }, 'COURSE_NAME_INVALID'],
  ['a blank name', { name: '    ' }, 'COURSE_NAME_INVALID'],
  ['a name with a tab (a\\tb), not rewritten to "a b"', { name: 'a\tb' }, 'COURSE_NAME_INVALID'],
  ['a name ending in a line feed', { name: 'Biology\n' }, 'COURSE_NAME_INVALID'],
  ['a name of 101 characters', { name: 'x'.repeat(101) }, 'COURSE_NAME_INVALID'],
  ['a name of 201 characters', { name: 'x'.repeat(201) }, 'COURSE_NAME_INVALID'],
  ['a name with a NUL character', { name: 'Bio\u0000' }, 'COURSE_NAME_INVALID'],
  ['a color outside the palette', { name: 'x', color: 'magenta' }, 'COURSE_COLOR_INVALID'],
  ['an upper-case color name', { name: 'x', color: 'Green' }, 'COURSE_COLOR_INVALID'],
  ['a short hex color', { name: 'x', color: '#abc' }, 'COURSE_COLOR_INVALID'],
  ['a hex color without #', { name: 'x', color: 'a1b2c3' }, 'COURSE_COLOR_INVALID'],
  ['a CSS function color', { name: 'x', color: 'rgb(1,2,3)' }, 'COURSE_COLOR_INVALID'],
  ['an empty color', { name: 'x', color: '' }, 'COURSE_COLOR_INVALID'],
  ['a letter as emoji', { name: 'x', emoji: 'B' }, 'COURSE_EMOJI_INVALID'],
  ['two emoji', { name: 'x', emoji: '🧬🧪' }, 'COURSE_EMOJI_INVALID'],
  ['an emoji and a word', { name: 'x', emoji: '🧬 bio' }, 'COURSE_EMOJI_INVALID'],
  ['an empty emoji', { name: 'x', emoji: '' }, 'COURSE_EMOJI_INVALID'],
  ['an emoji of 40 characters', { name: 'x', emoji: '🧬'.repeat(20) }, 'COURSE_EMOJI_INVALID'],
]
for (const [what, body, code] of badFields) {
  t.test(`${what} answers 400 ${code} and creates nothing`, async (t) => {
    const user = newUser()
    expectError(t, await create(user, body), code as 'COURSE_NAME_INVALID')
    const list = await api.request('GET', '/api/courses', { as: user })
    t.equal(list.body.data.pagination.total, 0)
  })
}

const badBodies: Array<[string, unknown]> = [
  ['no name', { color: 'green' }],
  ['an empty object', {}],
  ['a name that is a number', { name: 101 }],
  ['a name that is null', { name: null }],
  ['a name that is an array', { name: ['Biology'] }],
  ['a color that is a number', { name: 'x', color: 0x00ff00 }],
  ['an emoji that is a number', { name: 'x', emoji: 1 }],
  ['an unknown field', { name: 'x', teacher: 'Ada' }],
  ['an id chosen by the client', { name: 'x', id: 'course_mine' }],
  ['a userId field', { name: 'x', userId: 'user_someone_else' }],
  ['an array body', [{ name: 'x' }]],
  ['a JSON null body', null],
]
for (const [what, body] of badBodies) {
  t.test(`a body with ${what} answers 400 INVALID_BODY`, async (t) => {
    expectError(t, await create(newUser(), body), 'INVALID_BODY', /^Invalid request body/u)
  })
}

t.test('malformed JSON answers 400 INVALID_BODY', async (t) => {
  const answer = await api.request('POST', '/api/courses', {
    as: newUser(),
    payload: '{"name": "Biology"',
    headers: { 'content-type': 'application/json' },
  })
  expectError(t, answer, 'INVALID_BODY')
})

t.test('a body over 64 KiB answers 413 BODY_TOO_LARGE', async (t) => {
  expectError(t, await create(newUser(), { name: 'x'.repeat(70 * 1024) }), 'BODY_TOO_LARGE')
})

t.test('a form body answers 415 UNSUPPORTED_MEDIA_TYPE', async (t) => {
  const answer = await api.request('POST', '/api/courses', {
    as: newUser(),
    payload: 'name=Biology',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  expectError(t, answer, 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('without a token POST answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('POST', '/api/courses', json({ name: 'x' })), 'AUTH_REQUIRED')
})
