import { readFile } from 'node:fs/promises'
import type { Job } from '@tella/contracts'
import t from 'tap'
import {
  bearer,
  librivoxClips,
  openEventStream,
  type ServerSentEvent,
  startStack,
} from '../support/index.ts'

t.test('live job events over a real socket, from upload to note', async (t) => {
  const stack = await startStack({ env: { SSE_POLL_MS: '100' } })
  t.teardown(() => stack.stop())
  const user = 'user_sse'
  const [clip] = await librivoxClips()

  const all: ServerSentEvent[] = []
  let uploadedId = ''
  const allJobs = openEventStream(`${stack.baseUrl}/api/jobs/events`, bearer(user), (event) => {
    all.push(event)
    const job = JSON.parse(event.data) as Job
    return !(job.id === uploadedId && job.status === 'COMPLETED') && undefined
  })

  const form = new FormData()
  form.append('file', new Blob([await readFile(clip?.file as string)]), 'live.wav')
  const created = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer(user),
    body: form,
  })
  uploadedId = ((await created.json()) as { data: { id: string } }).data.id

  const single: ServerSentEvent[] = []
  const oneJob = await openEventStream(
    `${stack.baseUrl}/api/jobs/${uploadedId}/events`,
    bearer(user),
    (event) => {
      single.push(event)
      return undefined
    },
  )
  t.equal(oneJob.status, 200)
  t.match(oneJob.contentType, /^text\/event-stream/)
  t.equal(oneJob.ended, 'server', "the job's stream ends at its terminal state")
  const states = single.map((event) => JSON.parse(event.data) as Job)
  t.equal(states.at(-1)?.status, 'COMPLETED')
  const progress = states.map((job) => job.progress)
  t.ok(
    progress.every((value, index) => index === 0 || value >= (progress[index - 1] as number)),
    `progress never decreased: ${progress.join(',')}`,
  )
  t.ok(single.every((event) => ['status', 'stage', 'progress'].includes(event.event)))
  t.ok(
    single.some((event) => event.event === 'stage'),
    'stage changes are named as such',
  )

  const allResult = await allJobs
  t.equal(allResult.ended, 'client')
  const mine = all.map((event) => JSON.parse(event.data) as Job)
  t.ok(
    mine.every((job) => job.userId === user),
    'only the caller’s jobs are streamed',
  )
  t.equal(mine.at(-1)?.status, 'COMPLETED')

  // A client that reconnects with the last id it saw gets no replay of a finished job.
  const lastId = single.at(-1)?.id as string
  const resumed: ServerSentEvent[] = []
  await openEventStream(
    `${stack.baseUrl}/api/jobs/${uploadedId}/events`,
    { ...bearer(user), 'last-event-id': lastId },
    (event) => {
      resumed.push(event)
      return undefined
    },
  )
  t.same(resumed, [], 'resuming at the final state sends nothing and ends')

  const other = await openEventStream(
    `${stack.baseUrl}/api/jobs/${uploadedId}/events`,
    bearer('someone_else'),
    () => undefined,
  )
  t.equal(other.status, 404, "another user's job cannot be streamed")
})
