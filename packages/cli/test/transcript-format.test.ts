import t from 'tap'
import { formatTranscript } from '../src/output/transcript-format.ts'

const segments = [
  { start: 0.15, end: 2.5, text: ' first words ' },
  { start: 2.5, end: 2.6, text: '   ' },
  { start: 3661.0004, end: 3662.9996, text: 'an hour later' },
]

t.test('srt numbers cues from 1 with comma milliseconds, skipping blank segments', async (t) => {
  t.equal(
    formatTranscript(segments, 'srt'),
    '1\n00:00:00,150 --> 00:00:02,500\nfirst words\n\n' +
      '2\n01:01:01,000 --> 01:01:03,000\nan hour later\n',
  )
})

t.test('vtt starts with WEBVTT and uses dot milliseconds', async (t) => {
  t.equal(
    formatTranscript(segments, 'vtt'),
    'WEBVTT\n\n00:00:00.150 --> 00:00:02.500\nfirst words\n\n' +
      '01:01:01.000 --> 01:01:03.000\nan hour later\n',
  )
})

t.test('txt is one segment a line; json keeps every segment', async (t) => {
  t.equal(formatTranscript(segments, 'txt'), 'first words\nan hour later\n')
  t.same(JSON.parse(formatTranscript(segments, 'json')), { segments })
})

t.test('an empty transcript is an empty SRT and a header-only WebVTT file', async (t) => {
  t.equal(formatTranscript([], 'srt'), '')
  t.equal(formatTranscript([], 'vtt'), 'WEBVTT\n')
})
