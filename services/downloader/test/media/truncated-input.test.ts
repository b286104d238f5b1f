import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { probeMedia } from '../../src/media/probe.ts'
import {
  ffmpeg,
  makeSpeech,
  probeWav,
  SPEECH_SECONDS,
  testPicture,
  tools,
} from './fixtures/media.ts'

const dir = t.testdir()
const speech = await makeSpeech(dir)

/** Keeps the first half of a file, as an interrupted upload or copy would. */
async function cutInHalf(path: string, name: string): Promise<string> {
  const bytes = await readFile(path)
  const cut = join(dir, name)
  await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
  return cut
}

const recipes = [
  {
    name: 'an mp4 with its moov atom first (faststart), cut in half',
    file: 'faststart.mp4',
    args: [...testPicture, '-i', speech, '-shortest', '-c:v', 'mpeg4', '-c:a', 'aac'],
    extra: ['-movflags', '+faststart'],
  },
  {
    name: 'a CBR mp3 with a LAME/Info header, cut in half',
    file: 'constant bitrate.mp3',
    args: ['-i', speech, '-c:a', 'libmp3lame', '-b:a', '64k'],
    extra: [],
  },
]

for (const recipe of recipes) {
  t.test(
    `${recipe.name}: the whole length is declared, the decoded half is returned`,
    async (t) => {
      const whole = join(dir, recipe.file)
      await ffmpeg([...recipe.args, ...recipe.extra, whole])
      const input = await cutInHalf(whole, `cut ${recipe.file}`)

      const probe = await probeMedia(input, { ffprobe: tools.ffprobe })
      const declared = probe.declaredDurationSec ?? 0
      t.ok(
        Math.abs(declared - SPEECH_SECONDS) < 0.1,
        `ffprobe still declares ${declared} s, the length before the cut`,
      )

      const output = join(dir, `cut ${recipe.file}.16k.wav`)
      const extracted = await extractAudio(input, output, {
        ffmpeg: tools.ffmpeg,
        expectedDurationSec: declared,
      })
      t.ok(
        extracted.durationSec > declared * 0.3 && extracted.durationSec < declared * 0.7,
        `returns the ${extracted.durationSec} s that decoded, not the ${declared} s declared`,
      )

      const wav = await probeWav(output)
      t.ok(
        Math.abs(wav.durationSec - extracted.durationSec) < 0.001,
        `the output WAV holds exactly ${wav.durationSec} s`,
      )
      t.equal(extracted.sizeBytes, (await readFile(output)).length, 'sizeBytes is the WAV’s size')
    },
  )
}
