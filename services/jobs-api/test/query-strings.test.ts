import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import { expectError, json, newUser, seedCourse, seedJob, seedNote, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** Every `/api` route; ids are well formed, so only the query string can be refused. */
const routes: Array<[Method, string, unknown?]> = [
  ['GET', '/api/jobs/stats'],
  ['GET', '/api/jobs'],
  ['GET', `/api/jobs/${newId('job')}`],
  ['POST', `/api/jobs/${newId('job')}/cancel`],
  ['POST', `/api/jobs/${newId('job')}/retry`],
  ['DELETE', `/api/jobs/${newId('job')}`],
  ['GET', `/api/jobs/${newId('job')}/events`],
  ['GET', '/api/jobs/events'],
  ['POST', '/api/imports/youtube', { url: 'https://youtu.be/dQw4w9WgXcQ' }],
  ['GET', '/api/notes'],
  ['GET', `/api/notes/${newId('note')}`],
  ['PATCH', `/api/notes/${newId('note')}`, { title: 'Renamed' }],
  ['DELETE', `/api/notes/${newId('note')}`],
  ['GET', `/api/notes/${newId('note')}/transcript`],
  ['POST', '/api/courses', { name: 'Biology 101' }],
  ['GET', '/api/courses'],
  ['GET', `/api/courses/${newId('course')}`],
  ['PATCH', `/api/courses/${newId('course')}`, { name: 'Biology 102' }],
  ['DELETE', `/api/courses/${newId('course')}`],
]

for (const [method, path, body] of routes) {
  t.test(`${method} ${path}?foo=1 answers 400 INVALID_QUERY naming foo`, async (t) => {
    const user = newUser()
    const answer = await api.request(method, `${path}?foo=1`, {
      as: user,
      ...(body === undefined ? {} : json(body)),
    })
    expectError(
      t,
      answer,
      'INVALID_QUERY',
      'Invalid query parameters: foo is not a parameter of this route',
    )
    const jobs = await api.request('GET', '/api/jobs', { as: user })
    const courses = await api.request('GET', '/api/courses', { as: user })
    t.equal(jobs.body.data.pagination.total, 0, 'no job was created')
    t.equal(courses.body.data.pagination.total, 0, 'no course was created')
  })
}

t.test('POST /api/imports/upload?foo=1 is refused before the upload is read', async (t) => {
  const user = newUser()
  const answer = await api.request('POST', '/api/imports/upload?foo=1', {
    as: user,
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    payload:
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nab\r\n--x--',
  })
  expectError(t, answer, 'INVALID_QUERY', /foo is not a parameter of this route$/u)
  const jobs = await api.request('GET', '/api/jobs', { as: user })
  t.equal(jobs.body.data.pagination.total, 0, 'no job was created')
})

const statuses = 'PENDING, IN_PROGRESS, COMPLETED, FAILED'
const enumMessages: Array<[string, string]> = [
  ['/api/jobs?status=pending', `status must be one of ${statuses}`],
  ['/api/jobs?status=PENDING&status=FAILED', `status must be given once, as one of ${statuses}`],
  ['/api/jobs?source=VIMEO', 'source must be one of YOUTUBE, UPLOAD'],
  ['/api/jobs?sortBy=title', 'sortBy must be one of createdAt, updatedAt, completedAt'],
  ['/api/jobs?sortOrder=DESC', 'sortOrder must be one of asc, desc'],
  ['/api/notes?sortBy=date', 'sortBy must be one of createdAt, updatedAt, title'],
  ['/api/notes?sortOrder=up', 'sortOrder must be one of asc, desc'],
  ['/api/courses?sortBy=color', 'sortBy must be one of name, createdAt, updatedAt'],
  ['/api/courses?sortOrder=up', 'sortOrder must be one of asc, desc'],
  [
    `/api/notes/${newId('note')}/transcript?format=pdf`,
    'format must be one of json, txt, srt, vtt',
  ],
]
for (const [url, message] of enumMessages) {
  t.test(`GET ${url} answers INVALID_QUERY: ${message}`, async (t) => {
    const answer = await api.request('GET', url, { as: newUser() })
    expectError(t, answer, 'INVALID_QUERY', `Invalid query parameters: ${message}`)
  })
}

t.test('a limit over 100 names the parameter and its bound', async (t) => {
  const answer = await api.request('GET', '/api/jobs?limit=101', { as: newUser() })
  expectError(t, answer, 'INVALID_QUERY', 'Invalid query parameters: limit must be <= 100')
})

const notDigits: Array<[string, string]> = [
  ['limit=0x10', 'a hexadecimal limit (read as 16 before)'],
  ['limit=%201', 'a limit with a leading space (read as 1 before)'],
  ['limit=1%20', 'a limit with a trailing space'],
  ['limit=%2B1', 'a limit with a plus sign'],
  ['limit=1e1', 'a limit in exponent notation'],
  ['offset=0x0', 'a hexadecimal offset'],
  ['offset=%200', 'an offset with a leading space'],
  ['limit=', 'an empty limit'],
]
for (const [query, what] of notDigits) {
  for (const route of ['/api/jobs', '/api/notes', '/api/courses']) {
    t.test(`GET ${route}?${query} (${what}) answers 400 INVALID_QUERY`, async (t) => {
      const name = query.split('=')[0]
      const answer = await api.request('GET', `${route}?${query}`, { as: newUser() })
      expectError(
        t,
        answer,
        'INVALID_QUERY',
        `Invalid query parameters: ${name} must be a whole number in decimal digits`,
      )
    })
  }
}

t.test('limits and offsets in plain digits still page, a leading zero included', async (t) => {
  const user = newUser()
  await seedJob(api.db, { userId: user })
  await seedJob(api.db, { userId: user })
  const answer = await api.request('GET', '/api/jobs?limit=01&offset=1', { as: user })
  t.equal(answer.status, 200)
  t.match(answer.body.data.pagination, { total: 2, limit: 1, offset: 1 })
})

t.test('routes without parameters still answer without a query string', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const note = await seedNote(api.db, { userId: user, courseId: course })
  for (const path of ['/api/jobs/stats', `/api/notes/${note}`, `/api/courses/${course}`]) {
    t.equal((await api.request('GET', path, { as: user })).status, 200, path)
  }
})
