import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import {
  frameOffset,
  readWavLayout,
  snapToFrame,
  writeWavSlice,
} from '../../src/long-audio/wav-file.ts'
import { librivoxFiles } from '../support/audio.ts'

const run = promisify(execFile)
const clip = librivoxFiles[0] as string

/** The WAV the downloader writes: ffmpeg's, with its LIST chunk before the samples. */
async function ffmpegWav(dir: string): Promise<string> {
  const wav = join(dir, 'ffmpeg.wav')
  const args = ['-hide_banner', '-v', 'error', '-i', clip, '-ac', '1', '-ar', '16000']
  await run('ffmpeg', [...args, '-c:a', 'pcm_s16le', '-f', 'wav', wav])
  return wav
}

t.test('the layout of an ffmpeg WAV skips its LIST chunk and gives the length', async (t) => {
  const layout = await readWavLayout(await ffmpegWav(t.testdir()))

  t.equal(layout.sampleRate, 16_000)
  t.equal(layout.channels, 1)
  t.equal(layout.blockAlign, 2)
  t.ok(layout.dataOffset > 44, `samples start at ${layout.dataOffset}, after the LIST chunk`)
  t.equal(layout.durationSec, 7.1)
})

t.test('a slice holds exactly the samples between its times, as a plain WAV', async (t) => {
  const dir = t.testdir()
  const wav = await ffmpegWav(dir)
  const layout = await readWavLayout(wav)
  const slice = join(dir, 'slice.wav')

  await writeWavSlice(wav, layout, 1.25, 3.5, slice)

  const source = await readFile(wav)
  const written = await readFile(slice)
  const expected = source.subarray(
    layout.dataOffset + frameOffset(layout, 1.25),
    layout.dataOffset + frameOffset(layout, 3.5),
  )
  t.equal(written.length, 44 + expected.length)
  t.ok(written.subarray(44).equals(expected), 'the samples are copied byte for byte')
  const { stdout } = await run('soxi', ['-D', slice])
  t.equal(Number(stdout), 2.25, 'sox reads the slice and its length')
})

t.test('a data size left unknown by a streaming writer runs to the end of file', async (t) => {
  const bytes = await readFile(clip)
  bytes.writeUInt32LE(0xffffffff, 40)
  const wav = join(t.testdir(), 'streamed.wav')
  await writeFile(wav, bytes)

  const layout = await readWavLayout(wav)

  t.equal(layout.dataBytes, bytes.length - 44)
})

t.test('times snap to sample frames, so a cut never splits a sample', async (t) => {
  const layout = await readWavLayout(clip)

  t.equal(frameOffset(layout, 1.00003), 32_000, 'the nearest frame')
  t.equal(snapToFrame(layout, 1 / 48_000), 0)
  t.equal(frameOffset(layout, 999), layout.dataBytes, 'never past the end')
})

t.test('a file that is not a PCM WAV fails with TRANSCRIPTION_FAILED', async (t) => {
  const dir = t.testdir({ 'text.wav': 'hello, this is text\n'.repeat(10) })
  const mp3 = join(dir, 'clip.mp3')
  await run('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-i',
    clip,
    '-f',
    'wav',
    '-c:a',
    'pcm_alaw',
    mp3,
  ])

  await t.rejects(readWavLayout(join(dir, 'text.wav')), {
    code: 'TRANSCRIPTION_FAILED',
    detail: /no RIFF header/,
  })
  await t.rejects(readWavLayout(mp3), { code: 'TRANSCRIPTION_FAILED', detail: /not PCM/ })
})

t.test('an empty slice is refused rather than written as a header alone', async (t) => {
  const layout = await readWavLayout(clip)

  await t.rejects(writeWavSlice(clip, layout, 2, 2, join(t.testdir(), 'x.wav')), RangeError)
})
