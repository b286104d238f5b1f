import { readFile } from 'node:fs/promises'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { Job, type LifecycleEvent, streams } from '@tella/contracts'
import t from 'tap'
import { Compile } from 'typebox/compile'
import { bearer, librivoxClips, startStack, watchJob } from '../support/index.ts'

const isJob = Compile(Job)

t.test(
  'subscribers get each transition of a job once, with the job in its API shape',
  async (t) => {
    const stack = await startStack()
    t.teardown(() => stack.stop())
    const user = 'ada@uni.example'
    const [clip] = await librivoxClips()

    const form = new FormData()
    form.append('file', new Blob([await readFile(clip?.file as string)]), 'lifecycle.wav')
    const created = await fetch(`${stack.baseUrl}/api/imports/upload`, {
      method: 'POST',
      headers: bearer(user),
      body: form,
    })
    const jobId = ((await created.json()) as { data: { id: string } }).data.id
    await watchJob(stack.baseUrl, jobId, user, 60_000)
    const deleted = await fetch(`${stack.baseUrl}/api/jobs/${jobId}`, {
      method: 'DELETE',
      headers: bearer(user),
    })
    t.equal(deleted.status, 200)

    const nc = await connect({ servers: stack.nats.url })
    t.teardown(() => nc.close())
    const jsm = await jetstreamManager(nc)
    const expected = ['created', 'started', 'completed', 'deleted']
    let events: Array<{ subject: string; event: LifecycleEvent }> = []
    for (let tries = 0; tries < 50 && events.length < expected.length; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      events = await readStream(jsm, streams.lifecycle)
    }

    t.same(
      events.map((entry) => entry.subject),
      expected.map((type) => `imports.lifecycle.${type}.ada~40uni~2eexample.${jobId}`),
      'one message per transition, on subjects carrying the user token and job id',
    )
    for (const { event } of events) {
      t.equal(event.jobId, jobId)
      t.equal(event.userId, user)
      t.ok(isJob.Check(event.job), `the ${event.type} event carries the job in the API shape`)
    }
    t.equal(events[2]?.event.job?.status, 'COMPLETED')
    t.ok(events[2]?.event.job?.noteId, 'the completed event names the note')
  },
)

async function readStream(jsm: Awaited<ReturnType<typeof jetstreamManager>>, stream: string) {
  const info = await jsm.streams.info(stream)
  const found: Array<{ subject: string; event: LifecycleEvent }> = []
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq })
    if (message) found.push({ subject: message.subject, event: message.json<LifecycleEvent>() })
  }
  return found
}
