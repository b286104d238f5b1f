import { access } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { ffmpeg, processesWithArgument, tools } from './fixtures/media.ts'

const dir = t.testdir()

// Twenty minutes of noise as FLAC: long enough that ffmpeg reports progress along the way
// (every 0.5 s), small and fast enough to decode in about a second.
const long = join(dir, 'twenty minutes.flac')
await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=1200:r=8000:a=0.3', '-c:a', 'flac', long])

t.test('progress on a 20-minute input rises from below 1 to exactly 1, never back', async (t) => {
  const fractions: number[] = []
  const result = await extractAudio(long, join(dir, 'progress.wav'), {
    ffmpeg: tools.ffmpeg,
    expectedDurationSec: 1200,
    onProgress: (fraction) => fractions.push(fraction),
  })

  t.ok(Math.abs(result.durationSec - 1200) < 0.1, `decoded ${result.durationSec} s`)
  t.equal(fractions.at(-1), 1, 'the last report is 1')
  t.ok(fractions.length >= 2, `reported ${fractions.length} times: ${fractions.join(', ')}`)
  t.ok(
    fractions.every((fraction, index) => index === 0 || fraction > (fractions[index - 1] ?? 0)),
    'each report is larger than the one before',
  )
  t.ok(
    fractions.every((fraction) => fraction >= 0 && fraction <= 1),
    'all within 0..1',
  )
})

t.test(
  'a declared duration shorter than the audio holds progress below 1 until the end',
  async (t) => {
    const fractions: number[] = []
    await extractAudio(long, join(dir, 'short-declared.wav'), {
      ffmpeg: tools.ffmpeg,
      expectedDurationSec: 60,
      onProgress: (fraction) => fractions.push(fraction),
    })
    t.ok(
      fractions.slice(0, -1).every((fraction) => fraction < 1),
      'nothing says done early',
    )
    t.equal(fractions.at(-1), 1)
  },
)

t.test('without a declared duration no progress is reported', async (t) => {
  const fractions: number[] = []
  await extractAudio(long, join(dir, 'no-declared.wav'), {
    ffmpeg: tools.ffmpeg,
    expectedDurationSec: null,
    onProgress: (fraction) => fractions.push(fraction),
  })
  t.same(fractions, [])
})

t.test('a progress callback that throws stops ffmpeg and rejects with its error', async (t) => {
  const output = join(dir, 'throwing.wav')
  const failure = new Error('progress sink is gone')
  const extraction = extractAudio(long, output, {
    ffmpeg: tools.ffmpeg,
    expectedDurationSec: 1200,
    onProgress: () => {
      throw failure
    },
  })
  await t.rejects(extraction, failure)
  t.same(processesWithArgument(output), [], 'no ffmpeg remains for this output')
  await t.rejects(access(output), { code: 'ENOENT' }, 'no partial output remains')
})
