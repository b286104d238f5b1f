import type { NoteDetail } from '@tella/contracts'
import t from 'tap'
import {
  installStandIn,
  watchUrl,
} from '../../services/downloader/test/youtube/support/stand-in.ts'
import {
  makeVideoAudio,
  videoInfo,
} from '../../services/downloader/test/youtube/support/youtube-fixtures.ts'
import { bearer, startStack, watchJob } from '../support/index.ts'

const id = 'Lc1UVfVEm7l'
const title = 'Sense and Sensibility, chapter 1 (LibriVox)'

t.test('a YouTube link becomes a note named and dated after the video', async (t) => {
  const audio = await makeVideoAudio(t.testdir())
  const standIn = await installStandIn({
    version: '2025.12.08',
    metadata: await videoInfo(
      { id, title, channel: 'LibriVox Readings', durationSec: 7, uploadDate: '20230921' },
      audio.webm,
    ),
    // Slow enough for the progress bar to move several times while bytes arrive.
    audio: { file: audio.webm, ext: 'webm', chunks: 16, chunkDelayMs: 250 },
  })
  t.teardown(() => standIn.remove())
  const stack = await startStack({ env: { YTDLP_PATH: standIn.executable } })
  t.teardown(() => stack.stop())

  const response = await fetch(`${stack.baseUrl}/api/imports/youtube`, {
    method: 'POST',
    headers: { ...bearer('user_viewer'), 'content-type': 'application/json' },
    body: JSON.stringify({ url: watchUrl(id) }),
  })
  t.equal(response.status, 202)
  const jobId = ((await response.json()) as { data: { id: string } }).data.id

  const history = await watchJob(stack.baseUrl, jobId, 'user_viewer', 120_000)
  const final = history.at(-1) as { status: string; noteId: string; title?: string }
  t.equal(final.status, 'COMPLETED', 'the import completes', {
    logs: stack.services.downloader.logs,
  })
  t.equal(final.title, `Processing: ${title}`, 'the job is titled after the video')

  const fetching = history.map((job) => job.progress).filter((value) => value > 0 && value < 10)
  t.ok(new Set(fetching).size >= 2, `progress moved while bytes arrived: ${fetching.join(',')}`)
  const progress = history.map((job) => job.progress)
  t.ok(
    progress.every((value, index) => index === 0 || value >= (progress[index - 1] ?? 0)),
    `progress never decreased: ${progress.join(',')}`,
  )

  const noteResponse = await fetch(`${stack.baseUrl}/api/notes/${final.noteId}`, {
    headers: bearer('user_viewer'),
  })
  const note = ((await noteResponse.json()) as { data: NoteDetail }).data
  t.equal(note.title, title, 'the note is titled after the video')
  t.equal(note.mimeType, 'audio/webm', 'the audio track was fetched, not a video')
  t.ok(Math.abs((note.duration ?? 0) - audio.durationSec) < 0.1, `duration ${note.duration}`)
  t.ok(note.transcript.segments.length > 0, 'the speech was transcribed')

  const runs = (await standIn.calls()).filter((argv) => argv.includes(watchUrl(id)))
  t.equal(runs.length, 2, 'one metadata run and one download, no retry')

  t.equal(note.date, '2023-09-21', 'the note is dated the day the video was published')
})
