import t from 'tap'
import { foldEvent } from '../src/pipeline/event-fold.ts'
import { events, sampleTranscript } from './pipeline/fold-fixture.ts'
import { json, newUser, startApi } from './support.ts'

/**
 * A course from creation to deletion through the public API: an upload filed under it, the
 * job completed by the pipeline's own folding of worker events (no workers run here), the
 * note showing the course as the reference does, and the note and job outliving the course.
 */
const api = await startApi()
t.teardown(() => api.close())

const completeJob = async (jobId: string) => {
  for (const event of [
    events.downloaded(jobId),
    events.transcribed(jobId),
    events.summarized(jobId),
  ]) {
    await api.db.transaction().execute((trx) => foldEvent(trx, event, sampleTranscript))
  }
}

t.test('create a course, import into it, see it on the note, delete it', async (t) => {
  const user = newUser()
  const created = await api.request('POST', '/api/courses', {
    as: user,
    ...json({ name: 'Biology 101', color: 'green', emoji: '🧬' }),
  })
  t.equal(created.status, 201)
  const course = created.body.data
  const shown = { id: course.id, name: 'Biology 101', color: 'green', emoji: '🧬' }

  const form = new FormData()
  form.append('courseId', course.id)
  form.append('file', new Blob([Buffer.alloc(64, 1)]), 'cell_division.mp3')
  const imported = await api.request('POST', '/api/imports/upload', { as: user, payload: form })
  t.equal(imported.status, 202)
  const jobId = imported.body.data.id
  t.equal(imported.body.data.courseId, course.id, 'the job is filed under the course')

  await completeJob(jobId)
  const job = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data
  t.equal(job.status, 'COMPLETED')
  t.equal(job.courseId, course.id)
  t.same(job.note.course, shown, 'the job’s note shows the course as the reference does')

  const noteId = job.noteId
  const note = (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data
  t.same(note.course, shown, 'the note was made under the job’s course')
  const listed = await api.request('GET', `/api/notes?courseId=${course.id}`, { as: user })
  t.same(
    listed.body.data.notes.map((item: { id: string }) => item.id),
    [noteId],
    'the course lists the note',
  )

  const deleted = await api.request('DELETE', `/api/courses/${course.id}`, { as: user })
  t.equal(deleted.status, 200)

  const after = (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data
  t.equal(after.course, null, 'the note stays, without a course')
  t.equal(after.transcript.text, sampleTranscript.text, 'and keeps its transcript')
  const jobAfter = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data
  t.equal(jobAfter.courseId, null)
  t.equal(jobAfter.note.course, null)
  const unfiled = await api.request('GET', '/api/notes?courseId=none', { as: user })
  t.same(
    unfiled.body.data.notes.map((item: { id: string }) => item.id),
    [noteId],
    'the note is now among the notes of no course',
  )
})

t.test('deleting the job keeps the note and its course', async (t) => {
  const user = newUser()
  const course = (
    await api.request('POST', '/api/courses', { as: user, ...json({ name: 'History' }) })
  ).body.data
  const form = new FormData()
  form.append('courseId', course.id)
  form.append('file', new Blob([Buffer.alloc(64, 1)]), 'rome.mp3')
  const jobId = (await api.request('POST', '/api/imports/upload', { as: user, payload: form })).body
    .data.id
  await completeJob(jobId)
  const noteId = (await api.request('GET', `/api/jobs/${jobId}`, { as: user })).body.data.noteId

  t.equal((await api.request('DELETE', `/api/jobs/${jobId}`, { as: user })).status, 200)
  const note = (await api.request('GET', `/api/notes/${noteId}`, { as: user })).body.data
  t.equal(note.jobId, null)
  t.same(note.course, { id: course.id, name: 'History', color: null, emoji: null })
})
