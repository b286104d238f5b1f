import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { resolveMediaTools } from '@tella/platform'
import t from 'tap'
import { detectSilences, soundSpans } from '../../src/long-audio/silences.ts'
import { joinWithPauses, librivoxFiles, silenceWav } from '../support/audio.ts'

const run = promisify(execFile)
const { ffmpeg } = resolveMediaTools()
const options = { ffmpeg, belowPeakDb: -35, minSilenceSec: 0.3 }

t.test('the pauses between clips are found where they were placed', async (t) => {
  const { wav, placements, durationSec } = await joinWithPauses(
    t.testdir(),
    librivoxFiles.slice(0, 3),
    [2, 4],
  )

  const silences = await detectSilences(wav, durationSec, options)

  for (const gap of [
    { start: placements[0]?.end ?? 0, end: placements[1]?.start ?? 0 },
    { start: placements[1]?.end ?? 0, end: placements[2]?.start ?? 0 },
  ]) {
    const found = silences.find((s) => s.start <= gap.start + 0.5 && s.end >= gap.end - 0.05)
    t.ok(found, `the pause ${gap.start}–${gap.end} was found: ${JSON.stringify(found)}`)
  }
  for (const placement of placements) {
    const inside = silences.filter((s) => s.start > placement.start + 0.5 && s.end < placement.end)
    t.ok(
      inside.every((s) => s.end - s.start < 1.2),
      'no long pause inside a clip',
    )
  }
})

t.test('a quietly recorded lecture still has sound, because the level is relative', async (t) => {
  const dir = t.testdir()
  const { wav, durationSec } = await joinWithPauses(dir, librivoxFiles.slice(0, 2), [3])
  const quiet = join(dir, 'quiet.wav')
  await run('sox', [wav, quiet, 'gain', '-40'])

  const silences = await detectSilences(quiet, durationSec, options)

  const sound = soundSpans(silences, 0, durationSec)
  const soundSec = sound.reduce((sum, span) => sum + span.end - span.start, 0)
  t.ok(soundSec > 7, `${soundSec.toFixed(1)} s of the 10 s of speech count as sound`)
})

t.test('digital silence is one pause from start to end', async (t) => {
  const wav = await silenceWav(join(t.testdir(), 'silence.wav'), 6)

  t.same(await detectSilences(wav, 6, options), [{ start: 0, end: 6 }])
})

t.test('sound spans are what the pauses leave of a stretch', async (t) => {
  const silences = [
    { start: 1, end: 2 },
    { start: 4, end: 7 },
  ]

  t.same(soundSpans(silences, 0, 10), [
    { start: 0, end: 1 },
    { start: 2, end: 4 },
    { start: 7, end: 10 },
  ])
  t.same(soundSpans(silences, 5, 8), [{ start: 7, end: 8 }])
  t.same(soundSpans(silences, 4.5, 6), [])
})

t.test('an aborted signal stops before ffmpeg starts', async (t) => {
  const controller = new AbortController()
  controller.abort()

  await t.rejects(
    detectSilences('/nonexistent.wav', 1, { ...options, signal: controller.signal }),
    { code: 'CANCELLED' },
  )
})

t.test('a file ffmpeg cannot read fails with TRANSCRIPTION_FAILED and its words', async (t) => {
  const dir = t.testdir({ 'broken.wav': 'not audio at all' })

  await t.rejects(detectSilences(join(dir, 'broken.wav'), 1, options), {
    code: 'TRANSCRIPTION_FAILED',
    detail: /ffmpeg volumedetect exited with 1/,
  })
})
