import { errorCatalogue } from '@tella/contracts'
import t from 'tap'
import { expectError, isoDateTime, jobFields, newUser, seedCourse, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const importVideo = (user: string, payload: unknown) =>
  api.request('POST', '/api/imports/youtube', { as: user, payload })
const jobTotal = async (user: string) =>
  (await api.request('GET', '/api/jobs', { as: user })).body.data.pagination.total
const sourceUrl = async (jobId: string) =>
  (
    await api.db
      .selectFrom('jobs')
      .select('source_url')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
  ).source_url

t.test('a watch link answers 202 with a PENDING YOUTUBE job in the job shape', async (t) => {
  const user = newUser()
  const answer = await importVideo(user, {
    url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    title: 'Biology Lecture 5',
  })
  t.equal(answer.status, 202)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  const job = answer.body.data
  t.same(Object.keys(job).sort(), jobFields)
  t.match(job, {
    id: /^job_[A-Za-z0-9]+$/u,
    title: 'Processing: Biology Lecture 5',
    status: 'PENDING',
    progress: 0,
    source: 'YOUTUBE',
    errorMessage: null,
    errorCode: null,
    stage: 'download',
    userId: user,
    noteId: null,
    courseId: null,
    completedAt: null,
    note: null,
  })
  t.match(job.createdAt, isoDateTime)
  const fetched = await api.request('GET', `/api/jobs/${job.id}`, { as: user })
  t.same(fetched.body.data, job)
})

t.test('a link without a title is named after its video until the download names it', async (t) => {
  const answer = await importVideo(newUser(), { url: 'https://youtu.be/dQw4w9WgXcQ' })
  t.equal(answer.status, 202)
  t.equal(answer.body.data.title, 'Processing: YouTube video dQw4w9WgXcQ')
})

const validLinks = [
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  'http://youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI',
  'https://m.youtube.com/watch?v=dQw4w9WgXcQ',
  'https://music.youtube.com/watch?v=dQw4w9WgXcQ',
  'https://youtu.be/dQw4w9WgXcQ?si=abc',
  'https://www.youtube.com/shorts/dQw4w9WgXcQ',
  'https://www.youtube.com/embed/dQw4w9WgXcQ',
  'https://www.youtube.com/live/dQw4w9WgXcQ',
  'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ',
  'youtube.com/watch?v=dQw4w9WgXcQ',
  '  https://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ  ',
]
for (const url of validLinks) {
  t.test(`${url.trim()} is accepted as video dQw4w9WgXcQ`, async (t) => {
    const answer = await importVideo(newUser(), { url })
    t.equal(answer.status, 202)
    t.equal(answer.body.data.source, 'YOUTUBE')
    t.equal(await sourceUrl(answer.body.data.id), 'https://www.youtube.com/watch?v=dQw4w9WgXcQ')
  })
}

const invalidLinks = [
  ['a non-YouTube host', 'YOUTUBE_URL_NOT_YOUTUBE', 'https://vimeo.com/76979871'],
  [
    'a look-alike host',
    'YOUTUBE_URL_NOT_YOUTUBE',
    'https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ',
  ],
  [
    'a host ending in youtube.com',
    'YOUTUBE_URL_NOT_YOUTUBE',
    'https://notyoutube.com/watch?v=dQw4w9WgXcQ',
  ],
  [
    'a playlist without a video',
    'YOUTUBE_URL_NO_VIDEO',
    'https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vg',
  ],
  ['a channel handle', 'YOUTUBE_URL_NO_VIDEO', 'https://www.youtube.com/@veritasium'],
  [
    'a channel id',
    'YOUTUBE_URL_NO_VIDEO',
    'https://www.youtube.com/channel/UCHnyfMqiRRG1u-2MsSQLbXA',
  ],
  ['the home page', 'YOUTUBE_URL_NO_VIDEO', 'https://www.youtube.com/'],
  ['a watch link without v', 'YOUTUBE_URL_NO_VIDEO', 'https://www.youtube.com/watch?t=42'],
  [
    'two v parameters',
    'YOUTUBE_URL_NO_VIDEO',
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=aaaaaaaaaaa',
  ],
  ['a 10-character id', 'YOUTUBE_URL_BAD_VIDEO_ID', 'https://www.youtube.com/watch?v=dQw4w9WgXc'],
  ['a 12-character id', 'YOUTUBE_URL_BAD_VIDEO_ID', 'https://www.youtube.com/watch?v=dQw4w9WgXcQQ'],
  ['an id with a forbidden character', 'YOUTUBE_URL_BAD_VIDEO_ID', 'https://youtu.be/dQw4w9WgX.Q'],
  ['an empty string', 'YOUTUBE_URL_INVALID', ''],
  ['blanks only', 'YOUTUBE_URL_INVALID', '   '],
  ['words that are not a URL', 'YOUTUBE_URL_INVALID', 'my biology lecture'],
  ['a scheme without a host', 'YOUTUBE_URL_INVALID', 'https://'],
  [
    'a javascript: link',
    'YOUTUBE_URL_INVALID',
    'javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ',
  ],
  ['an ftp link', 'YOUTUBE_URL_INVALID', 'ftp://youtube.com/watch?v=dQw4w9WgXcQ'],
  [
    'credentials in the link',
    'YOUTUBE_URL_NOT_YOUTUBE',
    'https://ada:pw@www.youtube.com/watch?v=dQw4w9WgXcQ',
  ],
  [
    'a port in the link',
    'YOUTUBE_URL_NOT_YOUTUBE',
    'https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ',
  ],
  [
    'a link of 3000 characters',
    'YOUTUBE_URL_INVALID',
    `https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=${'a'.repeat(3000)}`,
  ],
] as const
for (const [what, code, url] of invalidLinks) {
  t.test(`${what} answers 400 ${code} and creates no job`, async (t) => {
    const user = newUser()
    const answer = await importVideo(user, { url })
    expectError(t, answer, code, errorCatalogue[code].message)
    t.equal(await jobTotal(user), 0)
  })
}

const url = 'https://youtu.be/dQw4w9WgXcQ'
const badBodies: Array<[string, unknown]> = [
  ['an extra field', { url, priority: 'high' }],
  ['a userId field', { url, userId: 'user_someone_else' }],
  ['a url that is a number', { url: 42 }],
  ['a url that is null', { url: null }],
  ['a url that is an array', { url: [url] }],
  ['a url that is true', { url: true }],
  ['no url', { title: 'Biology Lecture 5' }],
  ['an empty object', {}],
  ['a title that is a number', { url, title: 5 }],
  ['a courseId that is an object', { url, courseId: { id: 'course_1' } }],
  ['an array body', [url]],
  ['a JSON string body', url],
  ['a JSON null body', null],
]
for (const [what, payload] of badBodies) {
  t.test(`a body with ${what} answers 400 INVALID_BODY and creates no job`, async (t) => {
    const user = newUser()
    const answer = await api.request('POST', '/api/imports/youtube', {
      as: user,
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    })
    expectError(t, answer, 'INVALID_BODY', /^Invalid request body/u)
    t.equal(await jobTotal(user), 0)
  })
}

const tooLongTitles: Array<[string, string]> = [
  ['201 characters', 'x'.repeat(201)],
  ['300 characters (accepted and cut to 200 before)', 'x'.repeat(300)],
  ['201 emoji', '🧬'.repeat(201)],
  ['an empty title', ''],
]
for (const [what, title] of tooLongTitles) {
  t.test(`a title of ${what} answers 400 NOTE_TITLE_INVALID and creates no job`, async (t) => {
    const user = newUser()
    expectError(t, await importVideo(user, { url, title }), 'NOTE_TITLE_INVALID')
    t.equal(await jobTotal(user), 0)
  })
}

t.test('a title of 200 characters, emoji counted once, is kept whole', async (t) => {
  const title = `${'🧬'.repeat(100)}${'x'.repeat(100)}`
  const answer = await importVideo(newUser(), { url, title })
  t.equal(answer.status, 202)
  t.equal(answer.body.data.title, `Processing: ${title}`)
})

t.test(
  'a title holding a lone UTF-16 surrogate ("\\ud800") is kept with U+FFFD, not a 500',
  async (t) => {
    // JSON.stringify writes the lone surrogate as the escape "\ud800", as a client would send it.
    const answer = await importVideo(newUser(), { url, title: 'Entropy \ud800 part 2' })
    t.equal(answer.status, 202)
    t.equal(answer.body.data.title, 'Processing: Entropy \ufffd part 2')
  },
)

t.test('malformed JSON answers 400 INVALID_BODY', async (t) => {
  const answer = await api.request('POST', '/api/imports/youtube', {
    as: newUser(),
    payload: '{"url": "https://youtu.be/dQw4w9WgXcQ"',
    headers: { 'content-type': 'application/json' },
  })
  expectError(t, answer, 'INVALID_BODY')
})

t.test('a body over 64 KiB answers 413 BODY_TOO_LARGE', async (t) => {
  const answer = await importVideo(newUser(), { url, title: 'x'.repeat(70 * 1024) })
  expectError(t, answer, 'BODY_TOO_LARGE')
})

t.test('a link filed under the caller’s course carries its courseId', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const answer = await importVideo(user, { url, courseId: course })
  t.equal(answer.status, 202)
  t.equal(answer.body.data.courseId, course)
})

t.test('an unknown courseId answers 404 COURSE_NOT_FOUND and creates no job', async (t) => {
  const user = newUser()
  expectError(t, await importVideo(user, { url, courseId: 'course_nope' }), 'COURSE_NOT_FOUND')
  t.equal(await jobTotal(user), 0)
})

t.test('another user’s courseId answers 404 COURSE_NOT_FOUND, not 403', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: newUser() })
  expectError(t, await importVideo(user, { url, courseId: course }), 'COURSE_NOT_FOUND')
  t.equal(await jobTotal(user), 0)
})
