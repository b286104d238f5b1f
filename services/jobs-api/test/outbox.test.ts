import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import { connect } from '@nats-io/transport-node'
import { buckets, objectKeys, streams } from '@tella/contracts'
import t from 'tap'
import { jobFields, newUser, outboxDrained, seedJob, startApi } from './support.ts'

/**
 * The transactional outbox end to end: an HTTP action commits its rows, the relay publishes
 * them to the private NATS server, and the streams hold exactly what subscribers and workers
 * will read.
 */
const api = await startApi()
const nc = await connect({ servers: api.nats.url })
const jsm: JetStreamManager = await jetstreamManager(nc)
t.teardown(async () => {
  await nc.close()
  await api.close()
})

const downloadSubject = 'imports.cmd.download'

/** How many messages a stream holds on exactly `subject`. */
async function countOn(stream: string, subject: string): Promise<number> {
  const info = await jsm.streams.info(stream, { subjects_filter: subject })
  return info.state.subjects?.[subject] ?? 0
}

async function lastOn(stream: string, subject: string) {
  const message = await jsm.streams.getMessage(stream, { last_by_subj: subject })
  if (!message) throw new Error(`no message on ${subject}`)
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked field by field
  return { payload: message.json<any>(), msgId: message.header.get('Nats-Msg-Id') }
}

const lifecycleSubject = (type: string, userToken: string, jobId: string) =>
  `imports.lifecycle.${type}.${userToken}.${jobId}`

t.test('an upload writes exactly one download command and one created event', async (t) => {
  const user = newUser()
  const downloadsBefore = await countOn(streams.commands, downloadSubject)
  const body = new FormData()
  body.append('file', new Blob([Buffer.alloc(32, 5)]), 'audio_lecture.mp3')
  const answer = await api.request('POST', '/api/imports/upload', { as: user, payload: body })
  t.equal(answer.status, 202)
  const job = answer.body.data
  await outboxDrained(api.db)

  t.equal(await countOn(streams.commands, downloadSubject), downloadsBefore + 1, 'one command')
  const command = await lastOn(streams.commands, downloadSubject)
  t.same(command.payload, {
    jobId: job.id,
    userId: user,
    attempt: 1,
    source: 'UPLOAD',
    uploadKey: objectKeys.upload(job.id),
    fileName: 'audio_lecture.mp3',
  })
  t.equal(command.msgId, `${job.id}.download.1.command`, 'deduplicated by a message id')

  const created = lifecycleSubject('created', user, job.id)
  t.equal(await countOn(streams.lifecycle, created), 1, 'one created event')
  const event = await lastOn(streams.lifecycle, created)
  t.same(Object.keys(event.payload).sort(), ['at', 'job', 'jobId', 'type', 'userId'])
  t.match(event.payload, { type: 'created', jobId: job.id, userId: user })
  t.same(Object.keys(event.payload.job).sort(), jobFields)
  t.same(event.payload.job, job, 'the event carries the job as the API answered it')
})

t.test('a YouTube import sends the canonical watch URL to the downloader', async (t) => {
  const user = `ada.${newUser()}@uni.example`
  const downloadsBefore = await countOn(streams.commands, downloadSubject)
  const answer = await api.request('POST', '/api/imports/youtube', {
    as: user,
    payload: { url: 'https://youtu.be/dQw4w9WgXcQ?t=42' },
  })
  t.equal(answer.status, 202)
  const jobId = answer.body.data.id
  await outboxDrained(api.db)

  t.equal(await countOn(streams.commands, downloadSubject), downloadsBefore + 1)
  t.same((await lastOn(streams.commands, downloadSubject)).payload, {
    jobId,
    userId: user,
    attempt: 1,
    source: 'YOUTUBE',
    url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  })
  const token = user.replaceAll('.', '~2e').replace('@', '~40')
  t.equal(await countOn(streams.lifecycle, lifecycleSubject('created', token, jobId)), 1)
})

t.test('a refused import publishes nothing', async (t) => {
  const user = newUser()
  const downloadsBefore = await countOn(streams.commands, downloadSubject)
  const lifecycleBefore = (await jsm.streams.info(streams.lifecycle)).state.messages
  const answer = await api.request('POST', '/api/imports/youtube', {
    as: user,
    payload: { url: 'https://vimeo.com/76979871' },
  })
  t.equal(answer.status, 400)
  await outboxDrained(api.db)
  t.equal(await countOn(streams.commands, downloadSubject), downloadsBefore)
  t.equal((await jsm.streams.info(streams.lifecycle)).state.messages, lifecycleBefore)
})

t.test(
  'a cancel publishes one cancelled event and marks the job in the cancellations bucket',
  async (t) => {
    const user = newUser()
    const jobId = await seedJob(api.db, { userId: user, status: 'IN_PROGRESS', progress: 30 })
    t.equal((await api.request('POST', `/api/jobs/${jobId}/cancel`, { as: user })).status, 200)
    await outboxDrained(api.db)

    const subject = lifecycleSubject('cancelled', user, jobId)
    t.equal(await countOn(streams.lifecycle, subject), 1)
    const event = await lastOn(streams.lifecycle, subject)
    t.match(event.payload.job, { id: jobId, status: 'FAILED', errorCode: 'CANCELLED' })

    const kv = await new Kvm(nc).open(buckets.cancellations)
    const entry = await kv.get(jobId)
    t.equal(entry?.json<{ jobId: string }>().jobId, jobId, 'workers can see the cancellation')
  },
)

t.test('a delete publishes one deleted event carrying the job as it was', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, {
    userId: user,
    status: 'COMPLETED',
    completedAt: new Date(),
  })
  t.equal((await api.request('DELETE', `/api/jobs/${jobId}`, { as: user })).status, 200)
  await outboxDrained(api.db)

  const subject = lifecycleSubject('deleted', user, jobId)
  t.equal(await countOn(streams.lifecycle, subject), 1)
  t.match((await lastOn(streams.lifecycle, subject)).payload, {
    type: 'deleted',
    jobId,
    job: { id: jobId, status: 'COMPLETED' },
  })
})
