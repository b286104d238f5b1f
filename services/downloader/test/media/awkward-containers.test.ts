import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { probeMedia } from '../../src/media/probe.ts'
import { ffmpeg, makeSpeech, SPEECH_SECONDS, tools } from './fixtures/media.ts'

const dir = await mkdtemp(join(tmpdir(), 'tella-awkward-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))
const speech = await makeSpeech(dir)

/** Root mean square of a 16-bit PCM WAV's samples past its header: 0 for digital silence. */
async function loudness(wavPath: string): Promise<number> {
  const bytes = await readFile(wavPath)
  const dataAt = bytes.indexOf('data', 12, 'latin1') + 8
  let sum = 0
  let count = 0
  for (let offset = dataAt; offset + 1 < bytes.length; offset += 2) {
    const sample = bytes.readInt16LE(offset)
    sum += sample * sample
    count++
  }
  return Math.sqrt(sum / Math.max(1, count))
}

async function probeThenExtract(input: string) {
  const probe = await probeMedia(input, { ffprobe: tools.ffprobe })
  const output = join(dir, `${Date.now()}-${Math.random()}.wav`)
  const audio = await extractAudio(input, output, {
    ffmpeg: tools.ffmpeg,
    audioTrack: probe.audioTrack,
  })
  return { probe, audio, output }
}

t.test('a recording whose default audio track is not the first is heard', async (t) => {
  // A muted room track first, the microphone second and marked default, as screen recorders
  // write them; the first track alone would give a silent note.
  const input = join(dir, 'muted room first.mkv')
  await ffmpeg([
    ...['-f', 'lavfi', '-t', String(SPEECH_SECONDS), '-i', 'anullsrc=r=16000:cl=mono'],
    ...['-i', speech, '-map', '0:a', '-map', '1:a', '-c:a', 'libvorbis'],
    ...['-disposition:a:0', '0', '-disposition:a:1', 'default', input],
  ])
  const { probe, audio, output } = await probeThenExtract(input)
  t.equal(probe.audioTrack, 1, 'the default track is chosen')
  t.ok(Math.abs(audio.durationSec - SPEECH_SECONDS) < 0.2, 'all of it is decoded')
  t.ok((await loudness(output)) > 100, 'the decoded audio is the speech, not the silence')
})

t.test('without a default mark the first audio track is decoded', async (t) => {
  const input = join(dir, 'no default.mkv')
  await ffmpeg([
    ...['-i', speech, '-f', 'lavfi', '-t', String(SPEECH_SECONDS), '-i', 'anullsrc=r=16000'],
    ...['-map', '0:a', '-map', '1:a', '-c:a', 'libvorbis'],
    ...['-disposition:a:0', '0', '-disposition:a:1', '0', input],
  ])
  const { probe, output } = await probeThenExtract(input)
  t.equal(probe.audioTrack, 0)
  t.ok((await loudness(output)) > 100, 'the first track, with the speech, is decoded')
})

t.test('an m4a with tags far longer than a WAV header is extracted', async (t) => {
  // A 100,000-character comment: copied into the WAV it made a LIST chunk that pushed the
  // audio past where the data chunk was looked for, and every attempt failed.
  const input = join(dir, 'long tags.m4a')
  await ffmpeg([
    ...['-i', speech, '-c:a', 'aac'],
    ...['-metadata', `comment=${'lecture notes '.repeat(7_200)}`],
    ...['-metadata', `title=${'Week 1 '.repeat(8_000)}`, input],
  ])
  const { audio, output } = await probeThenExtract(input)
  t.ok(Math.abs(audio.durationSec - SPEECH_SECONDS) < 0.2, `decoded ${audio.durationSec} s`)
  const header = (await readFile(output)).subarray(0, 4096).toString('latin1')
  t.notMatch(header, /lecture notes/u, 'no tags are copied into the WAV')
})
