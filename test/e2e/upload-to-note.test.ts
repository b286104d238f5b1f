import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { NoteDetail } from '@tella/contracts'
import { wordErrorRate } from '@tella/transcriber/quality'
import t from 'tap'
import { bearer, concatenateClips, librivoxClips, startStack } from '../support/index.ts'
import { watchJob } from '../support/job-watch.ts'

t.test('a real LibriVox recording uploaded over HTTP becomes a note', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())

  const dir = t.testdir()
  const recording = path.join(dir, 'sense and sensibility, chapter 1.wav')
  const clips = await librivoxClips()
  const { reference, durationSec } = await concatenateClips(clips, recording, 1)

  const form = new FormData()
  form.append('title', 'Sense and Sensibility, chapter 1')
  form.append('file', new Blob([await readFile(recording)]), path.basename(recording))
  const response = await fetch(`${stack.baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer('user_reader'),
    body: form,
  })
  t.equal(response.status, 202)
  const created = (await response.json()) as { data: { id: string; status: string } }
  t.equal(created.data.status, 'PENDING')

  const history = await watchJob(stack.baseUrl, created.data.id, 'user_reader', 120_000)
  const statuses = [...new Set(history.map((job) => job.status))]
  t.same(
    statuses,
    ['PENDING', 'IN_PROGRESS', 'COMPLETED'].filter((s) => statuses.includes(s)),
  )
  t.ok(statuses.includes('IN_PROGRESS'), 'the job was seen in progress')
  t.equal(statuses.at(-1), 'COMPLETED', stack.services.transcriber.logs)
  const progress = history.map((job) => job.progress)
  t.ok(
    progress.every((value, index) => index === 0 || value >= (progress[index - 1] as number)),
    `progress never decreased: ${progress.join(',')}`,
  )
  t.ok(new Set(progress).size >= 3, `progress moved through several values: ${progress}`)

  const finished = history.at(-1) as { noteId: string; progress: number; completedAt: string }
  t.equal(finished.progress, 100)
  t.ok(finished.completedAt)
  const noteResponse = await fetch(`${stack.baseUrl}/api/notes/${finished.noteId}`, {
    headers: bearer('user_reader'),
  })
  t.equal(noteResponse.status, 200)
  const note = ((await noteResponse.json()) as { data: NoteDetail }).data
  t.equal(note.title, 'Sense and Sensibility, chapter 1')
  t.equal(note.mimeType, 'audio/wav')
  t.ok(Math.abs((note.duration ?? 0) - durationSec) < 0.1, `duration ${note.duration}`)

  const wer = wordErrorRate(reference, note.transcript.text)
  t.ok(wer < 0.4, `transcript shares most words with the reference (WER ${wer.toFixed(3)})`)
  t.ok(note.transcript.segments.length >= 5, 'the transcript has timed segments')
  t.ok((note.summary ?? '').length > 20, 'the note has a summary')
  t.equal(note.transcript.empty, false)
})
