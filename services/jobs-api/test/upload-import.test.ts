import { Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { buckets, objectKeys } from '@tella/contracts'
import t, { type Test } from 'tap'
import {
  type Answer,
  expectError,
  isoDateTime,
  jobFields,
  newUser,
  seedCourse,
  startApi,
} from './support.ts'

const maxBytes = 256 * 1024
const api = await startApi({ UPLOAD_MAX_BYTES: maxBytes })
const nc = await connect({ servers: api.nats.url })
const store = await new Objm(nc).open(buckets.media)
t.teardown(async () => {
  await nc.close()
  await api.close()
})

function form(fields: Record<string, string>, file?: { bytes: number; name: string }) {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  if (file) body.append('file', new Blob([Buffer.alloc(file.bytes, 7)]), file.name)
  return body
}
const upload = (user: string, payload: unknown, headers?: Record<string, string>) =>
  api.request('POST', '/api/imports/upload', { as: user, payload, ...(headers ? { headers } : {}) })
const jobTotal = async (user: string) =>
  (await api.request('GET', '/api/jobs', { as: user })).body.data.pagination.total
const storedUploads = async () =>
  (await store.list()).filter((info) => info.name.endsWith('/upload') && !info.deleted).length
const noteTitle = async (jobId: string) =>
  (
    await api.db
      .selectFrom('jobs')
      .select('note_title')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
  ).note_title

/** Checks that a refused upload left neither a job nor stored bytes behind. */
async function expectNothingKept(t: Test, user: string, uploadsBefore: number) {
  t.equal(await jobTotal(user), 0, 'no job was created')
  t.equal(await storedUploads(), uploadsBefore, 'no uploaded bytes were kept')
}

t.test(
  'an upload with a title answers 202 with a PENDING job titled Processing: <title>',
  async (t) => {
    const user = newUser()
    const answer = await upload(
      user,
      form({ title: 'Biology Lecture 5' }, { bytes: 1000, name: 'b.mp3' }),
    )
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
      source: 'UPLOAD',
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
    t.match(job.updatedAt, isoDateTime)

    const fetched = await api.request('GET', `/api/jobs/${job.id}`, { as: user })
    t.same(fetched.body.data, job, 'GET answers the job as created')
    const info = await store.info(objectKeys.upload(job.id))
    t.equal(info?.size, 1000, 'the file was streamed whole into the object store')
  },
)

t.test('a title sent after the file still names the job, trimmed and single-spaced', async (t) => {
  const body = new FormData()
  body.append('file', new Blob([Buffer.alloc(10, 1)]), 'x.wav')
  body.append('title', '  Cell   Division\n part 2 ')
  const answer = await upload(newUser(), body)
  t.equal(answer.status, 202)
  t.equal(answer.body.data.title, 'Processing: Cell Division part 2')
})

const fileNameTitles = [
  ['audio_lecture.mp3', 'Audio Lecture'],
  ['week-3.intro to genetics.m4a', 'Week 3 Intro To Genetics'],
  ['../../etc/passwd', 'Passwd'],
  ['C:\\Users\\ada\\lecture_one.wav', 'Lecture One'],
] as const

for (const [fileName, title] of fileNameTitles) {
  t.test(`an upload of ${fileName} without a title gets the note title "${title}"`, async (t) => {
    const blank: Record<string, string> = fileName === 'audio_lecture.mp3' ? {} : { title: '   ' }
    const answer = await upload(newUser(), form(blank, { bytes: 10, name: fileName }))
    t.equal(answer.status, 202)
    t.equal(await noteTitle(answer.body.data.id), title)
  })
}

t.test(
  'double quotes in a file name, sent as %22 by form encoders, come back as quotes',
  async (t) => {
    const name = 'Lecture «1» — "quoted" 100%22.wav'
    const answer = await upload(newUser(), form({}, { bytes: 10, name }))
    t.equal(answer.status, 202)
    t.equal(answer.body.data.title, `Processing: ${name.replace('100%22', '100"')}`)
  },
)

t.test(
  'an upload of audio_lecture.mp3 without a title is listed as "Processing: audio_lecture.mp3"',
  async (t) => {
    const answer = await upload(newUser(), form({}, { bytes: 10, name: 'audio_lecture.mp3' }))
    t.equal(answer.body.data.title, 'Processing: audio_lecture.mp3', 'as the reference shows')
  },
)

t.test('an upload filed under the caller’s course carries its courseId', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const answer = await upload(user, form({ courseId: course }, { bytes: 10, name: 'a.mp3' }))
  t.equal(answer.status, 202)
  t.equal(answer.body.data.courseId, course)
})

t.test('an unknown courseId answers 404 COURSE_NOT_FOUND and keeps nothing', async (t) => {
  const user = newUser()
  const before = await storedUploads()
  const answer = await upload(user, form({ courseId: 'course_nope' }, { bytes: 10, name: 'a.mp3' }))
  expectError(t, answer, 'COURSE_NOT_FOUND', 'Course not found')
  await expectNothingKept(t, user, before)
})

t.test('another user’s courseId answers 404 COURSE_NOT_FOUND, not 403', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: newUser() })
  const answer = await upload(user, form({ courseId: course }, { bytes: 10, name: 'a.mp3' }))
  expectError(t, answer, 'COURSE_NOT_FOUND', 'Course not found')
  t.equal(await jobTotal(user), 0)
})

/** Upload objects ever written, removed ones included: zero new ones means none was begun. */
const uploadsEverWritten = async () =>
  (await store.list()).filter((info) => info.name.endsWith('/upload')).length

t.test(
  'a title field of 201 characters sent before the file answers 400 NOTE_TITLE_INVALID ' +
    'before the file is stored',
  async (t) => {
    const user = newUser()
    const written = await uploadsEverWritten()
    const answer = await upload(
      user,
      form({ title: 'x'.repeat(201) }, { bytes: 10, name: 'a.mp3' }),
    )
    expectError(t, answer, 'NOTE_TITLE_INVALID')
    t.equal(await jobTotal(user), 0, 'no job was created')
    t.equal(await uploadsEverWritten(), written, 'not a byte of the file was stored')
  },
)

t.test(
  'a title field of 201 characters sent after the file answers 400 NOTE_TITLE_INVALID ' +
    'and keeps nothing',
  async (t) => {
    const user = newUser()
    const before = await storedUploads()
    const body = form({}, { bytes: 10, name: 'a.mp3' })
    body.append('title', '🧬'.repeat(201))
    expectError(t, await upload(user, body), 'NOTE_TITLE_INVALID')
    await expectNothingKept(t, user, before)
  },
)

t.test('a title field of 200 characters, emoji counted once, is kept whole', async (t) => {
  const title = `${'🧬'.repeat(100)}${'x'.repeat(100)}`
  const answer = await upload(newUser(), form({ title }, { bytes: 10, name: 'a.mp3' }))
  t.equal(answer.status, 202)
  t.equal(await noteTitle(answer.body.data.id), title)
})

t.test('a form without a file answers 400 FILE_REQUIRED', async (t) => {
  const answer = await upload(newUser(), form({ title: 'Biology Lecture 5' }))
  expectError(t, answer, 'FILE_REQUIRED')
})

t.test('a file sent under another field name answers 400 FILE_REQUIRED', async (t) => {
  const body = new FormData()
  body.append('audio', new Blob([Buffer.alloc(10, 1)]), 'a.mp3')
  expectError(t, await upload(newUser(), body), 'FILE_REQUIRED')
})

t.test('a second file answers 400 INVALID_BODY and creates no job', async (t) => {
  const user = newUser()
  const body = form({}, { bytes: 10, name: 'a.mp3' })
  body.append('file', new Blob([Buffer.alloc(10, 1)]), 'b.mp3')
  expectError(t, await upload(user, body), 'INVALID_BODY')
  t.equal(await jobTotal(user), 0)
})

const notMultipart: Array<[string, unknown, Record<string, string> | undefined]> = [
  ['a JSON body', { url: 'https://youtu.be/dQw4w9WgXcQ' }, undefined],
  ['a text/plain body', 'hello', { 'content-type': 'text/plain' }],
  ['raw bytes as application/octet-stream', 'RIFF', { 'content-type': 'application/octet-stream' }],
  ['no body at all', undefined, undefined],
]
for (const [what, payload, headers] of notMultipart) {
  t.test(`${what} answers 415 NOT_MULTIPART`, async (t) => {
    expectError(t, await upload(newUser(), payload, headers), 'NOT_MULTIPART')
  })
}

const brokenBodies = [
  ['a multipart Content-Type without a boundary', 'multipart/form-data', 'hello'],
  ['a body that never reaches its boundary', 'multipart/form-data; boundary=xyz', 'hello'],
  [
    'a body cut short inside the file',
    'multipart/form-data; boundary=xyz',
    '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nabc',
  ],
] as const
for (const [what, contentType, payload] of brokenBodies) {
  t.test(`${what} answers 400 INVALID_BODY, not 500, and keeps nothing`, async (t) => {
    const user = newUser()
    const before = await storedUploads()
    const answer = await upload(user, payload, { 'content-type': contentType })
    expectError(t, answer, 'INVALID_BODY', /^Invalid request body/u)
    await expectNothingKept(t, user, before)
  })
}

t.test('a zero-byte file answers 400 EMPTY_FILE and keeps nothing', async (t) => {
  const user = newUser()
  const before = await storedUploads()
  const answer = await upload(user, form({}, { bytes: 0, name: 'silence.mp3' }))
  expectError(t, answer, 'EMPTY_FILE', 'Uploaded file is empty')
  await expectNothingKept(t, user, before)
})

t.test(
  'a file of exactly UPLOAD_MAX_BYTES (above the 64 KiB JSON limit) is accepted',
  async (t) => {
    const user = newUser()
    const answer = await upload(user, form({}, { bytes: maxBytes, name: 'long.wav' }))
    t.equal(answer.status, 202)
    const info = await store.info(objectKeys.upload(answer.body.data.id))
    t.equal(info?.size, maxBytes)
  },
)

t.test('one byte over UPLOAD_MAX_BYTES answers 413 FILE_TOO_LARGE and keeps nothing', async (t) => {
  const user = newUser()
  const before = await storedUploads()
  const answer: Answer = await upload(user, form({}, { bytes: maxBytes + 1, name: 'long.wav' }))
  expectError(t, answer, 'FILE_TOO_LARGE', 'Uploaded file exceeds size limits')
  await expectNothingKept(t, user, before)
})
