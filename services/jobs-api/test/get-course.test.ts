import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  courseFields,
  expectError,
  isoDateTime,
  malformedCourseIds,
  newUser,
  seedCourse,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const getCourse = (courseId: string, user: string) =>
  api.request('GET', `/api/courses/${courseId}`, { as: user })

t.test('a course answers its fields and timestamps', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user, name: 'Biology 101' })
  const answer = await getCourse(courseId, user)
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  t.same(Object.keys(answer.body.data).sort(), courseFields)
  t.match(answer.body.data, { id: courseId, name: 'Biology 101', color: 'green', emoji: '🧬' })
  t.match(answer.body.data.createdAt, isoDateTime)
  t.match(answer.body.data.updatedAt, isoDateTime)
})

t.test('a course without color or emoji answers them as null', async (t) => {
  const user = newUser()
  const courseId = await seedCourse(api.db, { userId: user, color: null, emoji: null })
  t.match((await getCourse(courseId, user)).body.data, { color: null, emoji: null })
})

t.test('another user’s course answers 404 COURSE_NOT_FOUND, never 403', async (t) => {
  const owner = newUser()
  const courseId = await seedCourse(api.db, { userId: owner })
  expectError(t, await getCourse(courseId, newUser()), 'COURSE_NOT_FOUND', 'Course not found')
  t.equal((await getCourse(courseId, owner)).status, 200, 'the owner still sees it')
})

t.test('an unknown course answers 404 COURSE_NOT_FOUND', async (t) => {
  expectError(t, await getCourse(newId('course'), newUser()), 'COURSE_NOT_FOUND')
})

for (const [what, segment] of malformedCourseIds) {
  t.test(`GET /api/courses/<${what}> answers 400 INVALID_COURSE_ID`, async (t) => {
    expectError(t, await getCourse(segment, newUser()), 'INVALID_COURSE_ID', 'Invalid course ID')
  })
}

t.test('without a token GET answers 401 AUTH_REQUIRED', async (t) => {
  expectError(t, await api.request('GET', `/api/courses/${newId('course')}`), 'AUTH_REQUIRED')
})
