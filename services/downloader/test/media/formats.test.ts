import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { extractAudio } from '../../src/media/extract.ts'
import { probeMedia } from '../../src/media/probe.ts'
import {
  ffmpeg,
  h264OrMpeg4,
  makeSpeech,
  probeWav,
  SPEECH_SECONDS,
  testPicture,
  tools,
  topLevelBoxes,
} from './fixtures/media.ts'

const MP4_FAMILY = 'mov,mp4,m4a,3gp,3g2,mj2'

interface Case {
  file: string
  /** ffmpeg arguments after the speech input (`-i speech`) that encode this file. */
  encode: (speech: string) => Promise<string[]>
  formatName: string
  mimeType: string
  hasVideo: boolean
  audioCodec: string
}

const audioOnly =
  (...args: string[]) =>
  async (speech: string) => ['-i', speech, ...args]
const withPicture =
  (...args: string[]) =>
  async (speech: string) => [...testPicture, '-i', speech, '-shortest', ...args]
const withCoverArt =
  (...args: string[]) =>
  async (speech: string) => [
    // One finite picture: an endless lavfi source keeps the mp4 muxer waiting for more frames.
    ...['-i', speech, '-f', 'lavfi', '-i', 'testsrc=size=300x300:rate=1:duration=1'],
    ...['-map', '0:a', '-map', '1:v', '-c:v', 'png', '-disposition:v', 'attached_pic', ...args],
  ]

const cases: Case[] = [
  {
    file: 'speech 44.1k stereo.wav',
    encode: async () => [],
    formatName: 'wav',
    mimeType: 'audio/wav',
    hasVideo: false,
    audioCodec: 'pcm_s16le',
  },
  {
    file: 'constant bitrate.mp3',
    encode: audioOnly('-c:a', 'libmp3lame', '-b:a', '64k'),
    formatName: 'mp3',
    mimeType: 'audio/mpeg',
    hasVideo: false,
    audioCodec: 'mp3',
  },
  {
    file: 'iphone memo.m4a',
    encode: audioOnly('-c:a', 'aac', '-b:a', '64k'),
    formatName: MP4_FAMILY,
    mimeType: 'audio/mp4',
    hasVideo: false,
    audioCodec: 'aac',
  },
  {
    file: 'screen recording moov at end.mp4',
    encode: async (speech) => {
      const encoder = await h264OrMpeg4()
      const speed = encoder === 'libx264' ? ['-preset', 'ultrafast'] : []
      return withPicture('-c:v', encoder, ...speed, '-c:a', 'aac')(speech)
    },
    formatName: MP4_FAMILY,
    mimeType: 'video/mp4',
    hasVideo: true,
    audioCodec: 'aac',
  },
  {
    file: 'camera.mov',
    encode: withPicture('-c:v', 'mpeg4', '-c:a', 'aac', '-f', 'mov'),
    formatName: MP4_FAMILY,
    mimeType: 'video/quicktime',
    hasVideo: true,
    audioCodec: 'aac',
  },
  {
    file: 'lecture.mkv',
    encode: withPicture('-c:v', 'mpeg4', '-c:a', 'libvorbis'),
    formatName: 'matroska,webm',
    mimeType: 'video/x-matroska',
    hasVideo: true,
    audioCodec: 'vorbis',
  },
  {
    file: 'browser capture.webm',
    encode: withPicture(
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-c:a',
      'libopus',
    ),
    formatName: 'matroska,webm',
    mimeType: 'video/webm',
    hasVideo: true,
    audioCodec: 'opus',
  },
  {
    file: 'voice message.webm',
    encode: audioOnly('-c:a', 'libopus'),
    formatName: 'matroska,webm',
    mimeType: 'audio/webm',
    hasVideo: false,
    audioCodec: 'opus',
  },
  {
    file: 'podcast.ogg',
    encode: audioOnly('-c:a', 'libvorbis'),
    formatName: 'ogg',
    mimeType: 'audio/ogg',
    hasVideo: false,
    audioCodec: 'vorbis',
  },
  {
    file: 'lecture.flac',
    encode: audioOnly('-c:a', 'flac'),
    formatName: 'flac',
    mimeType: 'audio/flac',
    hasVideo: false,
    audioCodec: 'flac',
  },
  {
    file: 'raw adts.aac',
    encode: audioOnly('-c:a', 'aac', '-f', 'adts'),
    formatName: 'aac',
    mimeType: 'audio/aac',
    hasVideo: false,
    audioCodec: 'aac',
  },
  {
    file: 'album with cover art.mp3',
    encode: withCoverArt('-c:a', 'libmp3lame', '-b:a', '64k'),
    formatName: 'mp3',
    mimeType: 'audio/mpeg',
    hasVideo: false,
    audioCodec: 'mp3',
  },
  {
    file: 'audiobook with cover art.m4a',
    encode: withCoverArt('-c:a', 'aac'),
    formatName: MP4_FAMILY,
    mimeType: 'audio/mp4',
    hasVideo: false,
    audioCodec: 'aac',
  },
  {
    // "data:" is an ffmpeg protocol: without the file: prefix ffmpeg would parse this name as
    // an inline data URI and fail.
    file: 'data: Vorlesung über Wärme – 熱力学 (1).m4a',
    encode: audioOnly('-c:a', 'aac'),
    formatName: MP4_FAMILY,
    mimeType: 'audio/mp4',
    hasVideo: false,
    audioCodec: 'aac',
  },
]

const dir = t.testdir()
const speech = await makeSpeech(dir)

for (const item of cases) {
  t.test(
    `${item.file}: probe names it, extraction yields 16 kHz mono s16 of the speech`,
    async (t) => {
      const input = join(dir, item.file)
      const args = await item.encode(speech)
      if (args.length === 0) await copyFile(speech, input)
      else await ffmpeg([...args, `file:${input}`])

      const probe = await probeMedia(input, { ffprobe: tools.ffprobe })
      t.match(probe, {
        formatName: item.formatName,
        mimeType: item.mimeType,
        hasAudio: true,
        hasVideo: item.hasVideo,
        audioCodec: item.audioCodec,
      })
      t.ok(probe.sizeBytes > 0, 'size is reported')
      t.ok(
        Math.abs((probe.declaredDurationSec ?? 0) - SPEECH_SECONDS) < 0.1,
        `declared ${probe.declaredDurationSec} s is the speech's ${SPEECH_SECONDS} s`,
      )

      const output = join(dir, `${item.file}.16k.wav`)
      const extracted = await extractAudio(input, output, { ffmpeg: tools.ffmpeg })
      t.ok(
        Math.abs(extracted.durationSec - SPEECH_SECONDS) < 0.1,
        `decoded ${extracted.durationSec} s is the speech's ${SPEECH_SECONDS} s`,
      )
      const wav = await probeWav(output)
      t.match(wav, { codec: 'pcm_s16le', sampleRate: 16000, channels: 1 }, 'output is 16k mono s16')
      t.ok(
        Math.abs(wav.durationSec - extracted.durationSec) < 0.001,
        `the output holds the ${extracted.durationSec} s returned`,
      )
    },
  )
}

t.test('the mp4 fixture really has its moov atom after the media data', async (t) => {
  const boxes = await topLevelBoxes(join(dir, 'screen recording moov at end.mp4'))
  t.ok(boxes.indexOf('moov') > boxes.indexOf('mdat'), `boxes in order: ${boxes.join(' ')}`)
})

t.test(
  'a VBR mp3 without a Xing header: ffprobe misjudges its length, decoding does not',
  async (t) => {
    const input = join(dir, 'vbr without xing.mp3')
    await ffmpeg(['-i', speech, '-c:a', 'libmp3lame', '-q:a', '6', '-write_xing', '0', input])

    const probe = await probeMedia(input, { ffprobe: tools.ffprobe })
    const declared = probe.declaredDurationSec ?? 0
    t.ok(Math.abs(declared - SPEECH_SECONDS) > 1, `ffprobe estimates ${declared} s from bitrate`)

    const extracted = await extractAudio(input, join(dir, 'vbr.16k.wav'), { ffmpeg: tools.ffmpeg })
    // Without the LAME header the encoder delay and padding (under 0.06 s at 44.1 kHz) are not
    // trimmed, which is why the decoded length sits just above the speech's.
    t.ok(
      Math.abs(extracted.durationSec - SPEECH_SECONDS) < 0.1,
      `decoded ${extracted.durationSec} s is the speech's ${SPEECH_SECONDS} s`,
    )
  },
)
