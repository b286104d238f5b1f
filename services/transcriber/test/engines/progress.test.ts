import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { estimateWavDurationSec, trackProgress } from '../../src/engines/progress.ts'

t.test('progress is the position over the duration, never backwards, capped at 1', async (t) => {
  const reported: number[] = []
  const progress = trackProgress((fraction) => reported.push(fraction), 10)

  for (const seconds of [2, 2, 1, 5, 12, 11]) progress.reachedSecond(seconds)
  progress.complete()

  t.same(reported, [0.2, 0.5, 1])
})

t.test('without a usable duration only completion is reported', async (t) => {
  for (const duration of [undefined, 0, -1]) {
    const reported: number[] = []
    const progress = trackProgress((fraction) => reported.push(fraction), duration)
    progress.reachedSecond(3)
    progress.reachedSecond(Number.NaN)
    progress.complete()
    t.same(reported, [1], `duration ${duration}`)
  }
})

t.test('a tracker without a callback does nothing', async (t) => {
  const progress = trackProgress(undefined, 10)
  progress.reachedSecond(5)
  progress.complete()
  t.pass()
})

t.test('the duration of a 16 kHz mono s16le WAV comes from its size', async (t) => {
  const dir = t.testdir()
  const wav = join(dir, 'two-seconds.wav')
  await writeFile(wav, Buffer.alloc(44 + 2 * 32_000))

  t.equal(await estimateWavDurationSec(wav), 2)
  t.equal(await estimateWavDurationSec(join(dir, 'missing.wav')), undefined)
})
