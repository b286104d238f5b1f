import { Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { buckets } from '@tella/contracts'
import { sql } from 'kysely'
import t from 'tap'
import { newId } from '../src/jobs/ids.ts'
import { expectError, newUser, startApi } from './support.ts'

/**
 * The reference's 500 answers. The object store and then the jobs, notes and courses tables
 * of the private database disappear while the app runs, so requests fail inside the app, as in
 * an outage.
 */
const api = await startApi()
t.teardown(() => api.close())

function uploadForm() {
  const body = new FormData()
  body.append('file', new Blob([Buffer.alloc(16, 1)]), 'lecture.mp3')
  return body
}

const failures: Array<[string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown, string]> = [
  ['stats', 'GET', '/api/jobs/stats', undefined, 'Failed to fetch statistics'],
  ['the list', 'GET', '/api/jobs', undefined, 'Failed to fetch jobs'],
  ['one job', 'GET', `/api/jobs/${newId('job')}`, undefined, 'Failed to fetch job'],
  ['a cancel', 'POST', `/api/jobs/${newId('job')}/cancel`, undefined, 'Failed to cancel job'],
  ['a delete', 'DELETE', `/api/jobs/${newId('job')}`, undefined, 'Failed to delete job'],
  [
    'a YouTube import',
    'POST',
    '/api/imports/youtube',
    { url: 'https://youtu.be/dQw4w9WgXcQ' },
    'Failed to import video',
  ],
  ['an upload', 'POST', '/api/imports/upload', 'form', 'Failed to import file'],
  ['a note', 'GET', `/api/notes/${newId('note')}`, undefined, 'Failed to fetch note'],
  ['the notes', 'GET', '/api/notes', undefined, 'Failed to fetch notes'],
  ['a note edit', 'PATCH', `/api/notes/${newId('note')}`, { title: 'x' }, 'Failed to update note'],
  ['a note delete', 'DELETE', `/api/notes/${newId('note')}`, undefined, 'Failed to delete note'],
  [
    'a transcript export',
    'GET',
    `/api/notes/${newId('note')}/transcript?format=vtt`,
    undefined,
    'Failed to export transcript',
  ],
  ['a new course', 'POST', '/api/courses', { name: 'Biology' }, 'Failed to create course'],
  ['the courses', 'GET', '/api/courses', undefined, 'Failed to fetch courses'],
  ['a course', 'GET', `/api/courses/${newId('course')}`, undefined, 'Failed to fetch course'],
  [
    'a course edit',
    'PATCH',
    `/api/courses/${newId('course')}`,
    { name: 'x' },
    'Failed to update course',
  ],
  [
    'a course delete',
    'DELETE',
    `/api/courses/${newId('course')}`,
    undefined,
    'Failed to delete course',
  ],
]

t.test('an upload the object store cannot take answers 500, not a client error', async (t) => {
  const nc = await connect({ servers: api.nats.url })
  t.teardown(() => nc.close())
  await (await new Objm(nc).open(buckets.media)).destroy()

  const user = newUser()
  const answer = await api.request('POST', '/api/imports/upload', {
    as: user,
    payload: uploadForm(),
  })
  expectError(t, answer, 'INTERNAL_ERROR', 'Failed to import file')
  const list = await api.request('GET', '/api/jobs', { as: user })
  t.equal(list.body.data.pagination.total, 0, 'no job was created')
})

t.test('with the jobs, notes and courses tables gone', async (t) => {
  await sql`alter table jobs rename to jobs_unavailable`.execute(api.db)
  await sql`alter table notes rename to notes_unavailable`.execute(api.db)
  await sql`alter table courses rename to courses_unavailable`.execute(api.db)

  for (const [what, method, url, payload, message] of failures) {
    t.test(`${what} failing inside answers 500 INTERNAL_ERROR "${message}"`, async (t) => {
      const answer = await api.request(method, url, {
        as: newUser(),
        payload: payload === 'form' ? uploadForm() : payload,
      })
      expectError(t, answer, 'INTERNAL_ERROR', message)
      t.notMatch(
        JSON.stringify(answer.body),
        /jobs_unavailable|notes_unavailable|courses_unavailable|relation/u,
      )
    })
  }
})

t.test('client errors are still told apart from the outage', async (t) => {
  expectError(t, await api.request('GET', '/api/jobs?limit=0', { as: newUser() }), 'INVALID_QUERY')
  expectError(t, await api.request('GET', '/api/jobs'), 'AUTH_REQUIRED')
})
