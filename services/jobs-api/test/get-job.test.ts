import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import {
  expectError,
  isoDateTime,
  jobFields,
  malformedJobIds,
  newUser,
  noteInfoFields,
  seedCourse,
  seedJob,
  seedNote,
  startApi,
  unroutableJobIds,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

t.test('a completed job answers the reference shape with its note and course', async (t) => {
  const user = newUser()
  const course = await seedCourse(api.db, { userId: user })
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    source: 'YOUTUBE',
    createdAt: new Date('2024-01-15T10:00:00.000Z'),
    updatedAt: new Date('2024-01-15T10:03:45.000Z'),
    completedAt: new Date('2024-01-15T10:03:45.000Z'),
    courseId: course,
  })
  const noteId = await seedNote(api.db, { userId: user, jobId, courseId: course })

  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(answer.status, 200)
  t.match(answer.contentType, /^application\/json/u)
  t.same(Object.keys(answer.body).sort(), ['data', 'success'])
  t.equal(answer.body.success, true)
  const job = answer.body.data
  t.same(Object.keys(job).sort(), jobFields)
  t.same(
    { ...job, note: undefined },
    {
      id: jobId,
      title: 'Processing: Biology Lecture 5',
      status: 'COMPLETED',
      progress: 100,
      source: 'YOUTUBE',
      errorMessage: null,
      errorCode: null,
      stage: 'note',
      userId: user,
      noteId,
      courseId: course,
      createdAt: '2024-01-15T10:00:00.000Z',
      updatedAt: '2024-01-15T10:03:45.000Z',
      completedAt: '2024-01-15T10:03:45.000Z',
      note: undefined,
    },
  )
  t.same(Object.keys(job.note).sort(), noteInfoFields)
  t.same(job.note, {
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
  })
})

t.test('a pending job has null errorMessage, noteId, completedAt and note', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user, status: 'PENDING', source: 'UPLOAD' })

  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body.data).sort(), jobFields)
  t.match(answer.body.data, {
    id: jobId,
    status: 'PENDING',
    progress: 0,
    source: 'UPLOAD',
    errorMessage: null,
    errorCode: null,
    noteId: null,
    courseId: null,
    completedAt: null,
    note: null,
  })
  t.match(answer.body.data.createdAt, isoDateTime)
  t.match(answer.body.data.updatedAt, isoDateTime)
})

t.test('an in-progress job shows its progress and stage and no completedAt', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'IN_PROGRESS',
    progress: 75,
    stage: 'summarize',
  })
  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.match(answer.body.data, { status: 'IN_PROGRESS', progress: 75, stage: 'summarize' })
  t.equal(answer.body.data.completedAt, null)
})

t.test('a failed job carries its errorMessage and stable errorCode', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'FAILED',
    progress: 40,
    stage: 'transcribe',
    errorCode: 'TRANSCRIPTION_FAILED',
    errorMessage: 'Transcription failed: audio quality too poor for transcription',
  })
  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(answer.status, 200)
  t.match(answer.body.data, {
    status: 'FAILED',
    progress: 40,
    errorCode: 'TRANSCRIPTION_FAILED',
    errorMessage: 'Transcription failed: audio quality too poor for transcription',
    completedAt: null,
    noteId: null,
  })
})

t.test('a note without a course answers course null', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
  })
  await seedNote(api.db, { userId: user, jobId })
  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(answer.body.data.note.course, null)
})

t.test('an unknown but well-formed id answers 404 JOB_NOT_FOUND', async (t) => {
  const answer = await api.request('GET', `/api/jobs/${newId('job')}`, { as: newUser() })
  expectError(t, answer, 'JOB_NOT_FOUND', 'Job not found')
})

t.test('another user’s job answers 404 JOB_NOT_FOUND, never 403', async (t) => {
  const owner = newUser()
  const jobId = await seedJob(api.db, { userId: owner })
  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: newUser() })
  expectError(t, answer, 'JOB_NOT_FOUND', 'Job not found')
  const own = await api.request('GET', `/api/jobs/${jobId}`, { as: owner })
  t.equal(own.status, 200, 'the owner still sees it')
})

for (const [what, segment] of malformedJobIds) {
  t.test(`GET /api/jobs/<${what}> answers 400 INVALID_JOB_ID`, async (t) => {
    const answer = await api.request('GET', `/api/jobs/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
  })
}

for (const [what, segment] of unroutableJobIds) {
  t.test(`GET /api/jobs/<${what}> answers 400 INVALID_JOB_ID in the error shape`, async (t) => {
    const answer = await api.request('GET', `/api/jobs/${segment}`, { as: newUser() })
    expectError(t, answer, 'INVALID_JOB_ID', 'Invalid job ID')
  })
}

t.test(
  'a malformed id from a caller without a token answers 401 AUTH_REQUIRED first',
  async (t) => {
    const answer = await api.request('GET', '/api/jobs/abc')
    expectError(t, answer, 'AUTH_REQUIRED')
  },
)
