import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { wordErrorRate } from '@tella/transcriber/quality'
import t from 'tap'
import { librivoxClips, startStack } from '../support/index.ts'
import { buildLecture, checkPlacements } from '../support/lecture.ts'
import { importRecording } from '../support/recording-upload.ts'

/**
 * Length of the lecture in minutes. The regular suite runs 5 minutes, which cuts into
 * several chunks decoded in parallel; `test/long/thirty-minute-lecture.sh` runs the same
 * assertions on 30 minutes, which takes several minutes of both cores.
 */
const minutes = Number(process.env.TELLA_LECTURE_MINUTES ?? 5)

t.test(`a ${minutes}-minute lecture keeps every clip’s words within a second`, async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  // A temporary directory rather than tap's fixtures: the 30-minute WAV is 58 MB.
  const dir = await mkdtemp(path.join(tmpdir(), 'tella-lecture-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const lecture = await buildLecture(
    await librivoxClips(),
    path.join(dir, 'lecture.wav'),
    minutes * 60,
  )
  t.comment(`${lecture.placements.length} clips over ${lecture.durationSec.toFixed(1)} s`)

  const started = performance.now()
  const timeoutMs = 120_000 + lecture.durationSec * 1_000
  const { history, note } = await importRecording(
    stack.baseUrl,
    'user_lecturer',
    path.join(dir, 'lecture.wav'),
    `A ${minutes}-minute lecture`,
    timeoutMs,
  )
  const elapsedSec = (performance.now() - started) / 1000

  if (!note) {
    t.fail(`job ended ${JSON.stringify(history.at(-1))}\n${stack.services.transcriber.logs}`)
    return
  }
  const transcribing = history.map((job) => job.progress).filter((p) => p > 25 && p < 75)
  t.ok(new Set(transcribing).size >= 5, `progress moved through 25–75: ${transcribing}`)
  t.ok(Math.abs((note.duration ?? 0) - lecture.durationSec) < 0.1, `duration ${note.duration}`)

  const check = checkPlacements(note.transcript.segments, lecture.placements, 1)
  t.same(check.strays, [], 'no words where there was silence')
  t.same(
    check.missed.map((placement) => placement.start),
    [],
    'every clip has words',
  )
  t.ok(check.worstEdgeErrorSec < 1, `worst edge ${check.worstEdgeErrorSec.toFixed(3)} s off`)
  const wer = wordErrorRate(lecture.reference, note.transcript.text)
  t.ok(wer < 0.45, `WER ${wer.toFixed(3)}`)
  t.equal(note.transcript.empty, false)

  const rtf = (elapsedSec / lecture.durationSec).toFixed(3)
  const worst = check.worst
  t.comment(
    `${minutes} min: completed in ${elapsedSec.toFixed(1)} s (RTF ${rtf} end to end), ` +
      `worst timing error ${check.worstEdgeErrorSec.toFixed(3)} s at the ${worst?.edge} of ` +
      `the clip at ${worst?.placement.start.toFixed(2)} s, WER ${wer.toFixed(3)}, ` +
      `${note.transcript.segments.length} segments`,
  )
})
