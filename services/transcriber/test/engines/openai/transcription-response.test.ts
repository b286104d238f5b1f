import t from 'tap'
import { toTranscript } from '../../../src/engines/openai/transcription-response.ts'
import { verboseSegment } from '../../support/transcription-server.ts'

t.test('verbose_json segments keep their times, trimmed and within the audio', async (t) => {
  const body = {
    text: 'ignored when segments exist',
    segments: [verboseSegment(0, 0.5, 2.25, 'First.'), verboseSegment(1, 2.5, 9.9, 'Second.')],
  }

  t.same(toTranscript(body, { durationSec: 8 }), {
    text: 'First. Second.',
    segments: [
      { start: 0.5, end: 2.25, text: 'First.' },
      { start: 2.5, end: 8, text: 'Second.' },
    ],
  })
})

t.test('whisper.cpp’s [BLANK_AUDIO] and music captions are not speech', async (t) => {
  const body = {
    text: '',
    segments: [
      verboseSegment(0, 0, 3, '[BLANK_AUDIO]'),
      verboseSegment(1, 3, 6, '♪ ♫ ♪'),
      verboseSegment(2, 6, 7, '(laughs) I agree'),
    ],
  }

  t.same(
    toTranscript(body, { durationSec: 8 }).segments.map((segment) => segment.text),
    ['(laughs) I agree'],
  )
})

t.test('a segment likely silent and decoded with low confidence is dropped', async (t) => {
  const silent = { ...verboseSegment(0, 0, 3, 'Thanks for watching!'), no_speech_prob: 0.8 }
  const unsure = { ...silent, avg_logprob: -1.3 }

  t.equal(toTranscript({ segments: [silent] }, { durationSec: 3 }).segments.length, 1)
  t.equal(toTranscript({ segments: [unsure] }, { durationSec: 3 }).segments.length, 0)
})

t.test('json with text only, or JSON sent as text, is spread over the sound', async (t) => {
  const sound = [{ start: 1, end: 4 }]
  const fromJson = toTranscript({ text: 'Hello there.' }, { durationSec: 5, sound })
  const fromString = toTranscript('{"text":"Hello there."}', { durationSec: 5, sound })
  const fromPlain = toTranscript('Hello there.\n', { durationSec: 5, sound })

  const expected = { text: 'Hello there.', segments: [{ start: 1, end: 4, text: 'Hello there.' }] }
  t.same(fromJson, expected)
  t.same(fromString, expected)
  t.same(fromPlain, expected)
})

t.test('an answer without text is a failed transcription, not an empty one', async (t) => {
  t.throws(() => toTranscript({ error: 'nope' }, { durationSec: 1 }), {
    code: 'TRANSCRIPTION_FAILED',
  })
  t.throws(() => toTranscript(null, { durationSec: 1 }), { code: 'TRANSCRIPTION_FAILED' })
})

t.test('an empty text is an empty transcript', async (t) => {
  t.same(toTranscript({ text: '' }, { durationSec: 3 }), { text: '', segments: [] })
})
