import { execFile } from 'node:child_process'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { resolveMediaTools } from '@tella/platform'
import t from 'tap'
import {
  detectSilences as detectIn,
  type Span,
  soundSpans,
  sustainedPeakDb,
  totalSeconds,
} from '../../src/long-audio/silences.ts'
import { readWavLayout } from '../../src/long-audio/wav-file.ts'
import { joinWithPauses, librivoxFiles, silenceWav } from '../support/audio.ts'

const run = promisify(execFile)
const { ffmpeg } = resolveMediaTools()
const options = { belowPeakDb: -35, minSilenceSec: 0.3 }

async function detectSilences(wav: string, settings: typeof options & { signal?: AbortSignal }) {
  return detectIn(wav, await readWavLayout(wav), settings)
}

t.test('the pauses between clips are found where they were placed', async (t) => {
  const { wav, placements } = await joinWithPauses(t.testdir(), librivoxFiles.slice(0, 3), [2, 4])

  const silences = await detectSilences(wav, options)

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

  const silences = await detectSilences(quiet, options)

  const sound = soundSpans(silences, 0, durationSec)
  const soundSec = sound.reduce((sum, span) => sum + span.end - span.start, 0)
  t.ok(soundSec > 7, `${soundSec.toFixed(1)} s of the 10 s of speech count as sound`)
})

t.test('digital silence is one pause from start to end', async (t) => {
  const wav = await silenceWav(join(t.testdir(), 'silence.wav'), 6)

  t.same(await detectSilences(wav, options), [{ start: 0, end: 6 }])
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

t.test('an aborted signal stops before the file is read', async (t) => {
  const controller = new AbortController()
  controller.abort()
  const wav = await silenceWav(join(t.testdir(), 'silence.wav'), 1)

  await t.rejects(detectSilences(wav, { ...options, signal: controller.signal }), {
    code: 'CANCELLED',
  })
})

t.test('24-bit audio fails with TRANSCRIPTION_FAILED, naming its depth', async (t) => {
  const wav = join(t.testdir(), 'deep.wav')
  await run('sox', [librivoxFiles[0] as string, '-b', '24', wav])

  await t.rejects(detectSilences(wav, options), {
    code: 'TRANSCRIPTION_FAILED',
    detail: /16-bit audio, not 24-bit/,
  })
})

/**
 * The pause rules were ffmpeg's `silencedetect`, which the transcriber ran before; ffmpeg
 * stays the reference here, given the same threshold. Its printed times are rounded, hence
 * the tolerance.
 */
t.test('the pauses are those ffmpeg finds: loud, quiet and stereo recordings', async (t) => {
  const dir = t.testdir()
  const { wav } = await joinWithPauses(dir, librivoxFiles, [2, 0.5, 3, 0.35])
  const quiet = join(dir, 'quiet.wav')
  await run('sox', [wav, quiet, 'gain', '-40'])
  const stereo = join(dir, 'stereo.wav')
  // The second channel carries the speech a little later: a frame is quiet only if both are.
  await run('sox', ['-M', wav, quiet, stereo, 'delay', '0', '0.2'])

  for (const file of [wav, quiet, stereo]) {
    const name = basename(file)
    const peakDb = await sustainedPeakDb(file, await readWavLayout(file))
    const expected = await ffmpegSilences(file, peakDb)
    const found = await detectSilences(file, options)
    t.equal(found.length, expected.length, `${name}: ${expected.length} pauses`)
    const furthest = Math.max(
      0,
      ...expected.map((span, index) => {
        const other = found[index] ?? { start: Number.NaN, end: Number.NaN }
        return Math.max(Math.abs(span.start - other.start), Math.abs(span.end - other.end))
      }),
    )
    t.ok(furthest < 0.001, `${name}: every pause within 1 ms of ffmpeg's (${furthest} s)`)
  }
})

t.test('the peak is what speech holds: within 2.5 dB of the loudest sample', async (t) => {
  for (const file of librivoxFiles) {
    const peakDb = await sustainedPeakDb(file, await readWavLayout(file))
    const maxDb = await ffmpegMaxVolume(file)
    t.ok(
      peakDb <= maxDb + 0.1 && peakDb >= maxDb - 2.5,
      `${basename(file)}: ${peakDb.toFixed(1)} dB, loudest sample ${maxDb} dB`,
    )
  }
})

t.test('a 2 ms full-scale click does not make a quiet lecture silent', async (t) => {
  const dir = t.testdir()
  const { wav, placements } = await joinWithPauses(dir, librivoxFiles.slice(0, 2), [2])
  const quiet = join(dir, 'quiet.wav')
  await run('sox', [wav, quiet, 'gain', '-n', '-38'])
  const clicked = join(dir, 'quiet-click.wav')
  await run('sox', [quiet, await fullScaleClick(dir), clicked])

  const quietPeak = await sustainedPeakDb(quiet, await readWavLayout(quiet))
  const clickedPeak = await sustainedPeakDb(clicked, await readWavLayout(clicked))
  t.equal(clickedPeak, quietPeak, `the peak stays at ${quietPeak.toFixed(1)} dB`)
  t.equal(await ffmpegMaxVolume(clicked), 0, 'while the loudest sample is full scale')

  const silences = await detectSilences(clicked, options)
  const { durationSec } = await readWavLayout(clicked)
  const soundSec = totalSeconds(soundSpans(silences, 0, durationSec))
  const speechSec = placements.reduce((sum, clip) => sum + clip.end - clip.start, 0)
  t.ok(soundSec > speechSec * 0.7, `${soundSec.toFixed(1)} s of ${speechSec} s count as sound`)
})

async function fullScaleClick(dir: string): Promise<string> {
  const click = join(dir, 'full-scale-click.wav')
  const args = ['-n', '-r', '16000', '-c', '1', '-b', '16', click, 'synth', '0.002', 'square']
  await run('sox', [...args, '500', 'vol', '0.99'])
  return click
}

async function ffmpegFilter(wav: string, filter: string): Promise<string> {
  const args = ['-hide_banner', '-nostats', '-i', wav, '-af', filter, '-f', 'null', '-']
  return (await run(ffmpeg, args)).stderr
}

async function ffmpegMaxVolume(wav: string): Promise<number> {
  const peak = /max_volume: (-?[\d.]+|-inf) dB/u.exec(await ffmpegFilter(wav, 'volumedetect'))
  return peak?.[1] === undefined || peak[1] === '-inf' ? -200 : Number(peak[1])
}

async function ffmpegSilences(wav: string, peakDb: number): Promise<Span[]> {
  const noiseDb = Math.max(-70, peakDb + options.belowPeakDb)
  const filter = `silencedetect=noise=${noiseDb}dB:d=${options.minSilenceSec}`
  const log = await ffmpegFilter(wav, filter)
  const starts = [...log.matchAll(/silence_start: (-?[\d.]+)/gu)].map((m) => Number(m[1]))
  const ends = [...log.matchAll(/silence_end: ([\d.]+)/gu)].map((m) => Number(m[1]))
  const { durationSec } = await readWavLayout(wav)
  return starts.map((start, index) => ({
    start: Math.max(0, start),
    end: ends[index] ?? durationSec,
  }))
}
