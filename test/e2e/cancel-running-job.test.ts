import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import {
  bearer,
  childPids,
  concatenateClips,
  librivoxClips,
  startStack,
  waitFor,
} from '../support/index.ts'

t.test('cancelling a job mid-transcription kills pocketsphinx and no note appears', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())

  const recording = path.join(t.testdir(), 'long lecture.wav')
  const clips = await librivoxClips()
  await concatenateClips([...clips, ...clips, ...clips, ...clips, ...clips, ...clips], recording)
  const form = new FormData()
  form.append('file', new Blob([await readFile(recording)]), 'long lecture.wav')
  const created = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer('user_cancel'),
    body: form,
  })
  const jobId = ((await created.json()) as { data: { id: string } }).data.id

  const getJob = async () => {
    const response = await fetch(`${stack.baseUrl}/api/jobs/${jobId}`, {
      headers: bearer('user_cancel'),
    })
    return ((await response.json()) as { data: Record<string, unknown> }).data
  }
  const transcriberPid = stack.services.transcriber.process.pid as number
  await waitFor(async () => ((await getJob()).progress as number) > 30, {
    timeoutMs: 60_000,
    what: 'transcription to be under way',
  })
  t.ok((await childPids(transcriberPid)).length > 0, 'pocketsphinx runs under the transcriber')

  const cancelledAt = Date.now()
  const cancel = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/cancel`, {
    method: 'POST',
    headers: bearer('user_cancel'),
  })
  t.same(await cancel.json(), { success: true, message: 'Job cancelled successfully' })
  await waitFor(async () => (await childPids(transcriberPid)).length === 0, {
    timeoutMs: 2_000,
    what: 'pocketsphinx to be killed',
  })
  t.ok(Date.now() - cancelledAt < 2_000, 'the running stage stopped within two seconds')

  // Give any straggling event time to arrive: the job must not move again.
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  const job = await getJob()
  t.equal(job.status, 'FAILED')
  t.equal(job.errorCode, 'CANCELLED')
  t.equal(job.noteId, null)
  t.match(stack.services.transcriber.logs, /stage stopped: job cancelled/)

  const again = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/cancel`, {
    method: 'POST',
    headers: bearer('user_cancel'),
  })
  t.equal(again.status, 400, 'a cancelled job cannot be cancelled again')
})
