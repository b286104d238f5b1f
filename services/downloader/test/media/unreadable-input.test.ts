import { access, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ErrorCode } from '@tella/contracts'
import t, { type Test } from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { probeMedia } from '../../src/media/probe.ts'
import { ffmpeg, makeSpeech, noiseBytes, testPicture, tools } from './fixtures/media.ts'

const dir = t.testdir()
const speech = await makeSpeech(dir)

/** Both steps must refuse the file with the same code; neither may leave an output behind. */
async function refusedByBoth(
  t: Test,
  input: string,
  probeCode: ErrorCode,
  extractCode: ErrorCode,
): Promise<void> {
  await t.rejects(probeMedia(input, { ffprobe: tools.ffprobe }), { code: probeCode }, 'probe')

  const output = `${input}.16k.wav`
  await t.rejects(extractAudio(input, output, { ffmpeg: tools.ffmpeg }), { code: extractCode })
  await t.rejects(access(output), { code: 'ENOENT' }, 'no output is left behind')
}

t.test('a zero-byte .mp3 is UNSUPPORTED_FORMAT, saying that the file is empty', async (t) => {
  const input = join(dir, 'empty.mp3')
  await writeFile(input, '')
  await refusedByBoth(t, input, 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_FORMAT')
  await t.rejects(probeMedia(input, { ffprobe: tools.ffprobe }), {
    code: 'UNSUPPORTED_FORMAT',
    detail: 'the file is empty',
  })
})

t.test('a text file renamed .mp3 is UNSUPPORTED_FORMAT with ffprobe’s reason', async (t) => {
  const input = join(dir, 'my notes.mp3')
  await writeFile(input, 'Lecture 3: entropy always increases.\n'.repeat(40))
  await refusedByBoth(t, input, 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_FORMAT')

  const error = await probeMedia(input, { ffprobe: tools.ffprobe }).catch((e: unknown) => e)
  const detail = String((error as { detail?: string }).detail)
  t.match(detail, 'my notes.mp3', 'the detail names the file')
  t.notMatch(detail, dir, 'the detail leaves out the server-side directory')
  t.notMatch(detail, /0x[0-9a-f]{6,}/, 'the detail leaves out memory addresses')
})

t.test('random bytes named .bin are UNSUPPORTED_FORMAT', async (t) => {
  const input = join(dir, 'upload.bin')
  await writeFile(input, noiseBytes(64 * 1024))
  await refusedByBoth(t, input, 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_FORMAT')
})

t.test('a PNG slide is UNSUPPORTED_FORMAT, not a video without sound', async (t) => {
  const input = join(dir, 'slide.png')
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', input])
  await t.rejects(probeMedia(input, { ffprobe: tools.ffprobe }), { code: 'UNSUPPORTED_FORMAT' })
})

t.test(
  'a screen recording without an audio track is NO_AUDIO_TRACK in probe and extract',
  async (t) => {
    const input = join(dir, 'silent screencast.mp4')
    await ffmpeg([...testPicture, '-t', '3', '-c:v', 'mpeg4', input])
    await refusedByBoth(t, input, 'NO_AUDIO_TRACK', 'NO_AUDIO_TRACK')
  },
)

t.test(
  'a WAV with a header and no samples probes fine but extracts as NO_AUDIO_TRACK',
  async (t) => {
    const input = join(dir, 'header only.wav')
    await writeFile(input, emptyWav())

    const probe = await probeMedia(input, { ffprobe: tools.ffprobe })
    t.match(probe, { formatName: 'wav', hasAudio: true, declaredDurationSec: null })

    const output = join(dir, 'header only.16k.wav')
    const extraction = extractAudio(input, output, { ffmpeg: tools.ffmpeg })
    await t.rejects(extraction, { code: 'NO_AUDIO_TRACK', detail: /no samples/ })
    await t.rejects(access(output), { code: 'ENOENT' }, 'the empty output is removed')
  },
)

t.test('an mp4 cut before its trailing moov atom is UNSUPPORTED_FORMAT', async (t) => {
  const whole = join(dir, 'moov at end.mp4')
  await ffmpeg([...testPicture, '-i', speech, '-shortest', '-c:v', 'mpeg4', '-c:a', 'aac', whole])
  const input = join(dir, 'moov at end, upload cut short.mp4')
  await writeFile(input, (await readFile(whole)).subarray(0, 100_000))

  await t.rejects(probeMedia(input, { ffprobe: tools.ffprobe }), {
    code: 'UNSUPPORTED_FORMAT',
    detail: /moov atom not found/,
  })
  await refusedByBoth(t, input, 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_FORMAT')
})

t.test('a missing ffprobe binary is an unavailable tool, not a verdict on the file', async (t) => {
  const missing = join(dir, 'no-such-dir', 'ffprobe')
  await t.rejects(probeMedia(speech, { ffprobe: missing }), {
    name: 'ToolUnavailableError',
    tool: 'ffprobe',
    message: /ENOENT/,
  })
})

/** A 16 kHz mono PCM WAV header whose data chunk is empty. */
function emptyWav(): Buffer {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(36, 4)
  header.write('WAVEfmt ', 8, 'latin1')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(16_000, 24)
  header.writeUInt32LE(32_000, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'latin1')
  header.writeUInt32LE(0, 40)
  return header
}
