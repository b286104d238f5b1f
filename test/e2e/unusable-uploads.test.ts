import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { bearer, startStack, watchJob } from '../support/index.ts'

const run = promisify(execFile)

t.test('uploads that hold no usable audio fail at once with a stable code', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  const dir = t.testdir()

  const notes = path.join(dir, 'lecture-notes.mp3')
  await writeFile(notes, 'These are my notes, not a recording.\n'.repeat(100))
  const silentVideo = path.join(dir, 'slides-only.mp4')
  await run('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2'],
    ...['-c:v', 'mpeg4', silentVideo],
  ])

  const cases = [
    { file: notes, code: 'UNSUPPORTED_FORMAT', name: 'a text file named .mp3' },
    { file: silentVideo, code: 'NO_AUDIO_TRACK', name: 'a video without sound' },
  ]
  for (const { file, code, name } of cases) {
    const form = new FormData()
    form.append('file', new Blob([await readFile(file)]), path.basename(file))
    const response = await fetch(`${stack.baseUrl}/api/imports/upload`, {
      method: 'POST',
      headers: bearer('user_unusable'),
      body: form,
    })
    t.equal(response.status, 202, `${name} is accepted for processing`)
    const jobId = ((await response.json()) as { data: { id: string } }).data.id

    const started = Date.now()
    const history = await watchJob(stack.baseUrl, jobId, 'user_unusable', 30_000)
    const final = history.at(-1)
    t.equal(final?.status, 'FAILED', `${name} ends FAILED`)
    t.equal(final?.errorCode, code, `${name} fails with ${code}`)
    t.match(final?.errorMessage, /^Audio\/video format not supported/, 'with the reference message')
    t.ok(Date.now() - started < 10_000, `${name} is not retried (permanent failure)`)
    t.equal(final?.noteId, null)
  }
})
