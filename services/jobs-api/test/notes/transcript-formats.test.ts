import t from 'tap'
import {
  formatTimestamp,
  type TimedSegment,
  toCues,
  toPlainText,
  toSrt,
  toVtt,
} from '../../src/notes/transcript-formats.ts'
import { parseSrt, parseVtt } from './subtitle-parsers.ts'

const lecture: TimedSegment[] = [
  { start: 0, end: 1.5, text: 'Cells divide.' },
  { start: 1.5, end: 3.25, text: 'They divide again.' },
]

t.test('SRT numbers cues from 1 with comma milliseconds and a blank line after each', async (t) => {
  const srt = toSrt(lecture)
  t.equal(
    srt,
    '1\n00:00:00,000 --> 00:00:01,500\nCells divide.\n\n' +
      '2\n00:00:01,500 --> 00:00:03,250\nThey divide again.\n\n',
  )
  t.same(parseSrt(srt), [
    { startMs: 0, endMs: 1500, lines: ['Cells divide.'] },
    { startMs: 1500, endMs: 3250, lines: ['They divide again.'] },
  ])
})

t.test('WebVTT starts with its header and a blank line and uses dot milliseconds', async (t) => {
  const vtt = toVtt(lecture)
  t.equal(
    vtt,
    'WEBVTT\n\n' +
      '00:00:00.000 --> 00:00:01.500\nCells divide.\n\n' +
      '00:00:01.500 --> 00:00:03.250\nThey divide again.\n',
  )
  t.same(parseVtt(vtt), [
    { startMs: 0, endMs: 1500, lines: ['Cells divide.'] },
    { startMs: 1500, endMs: 3250, lines: ['They divide again.'] },
  ])
})

t.test(
  'an empty transcript is an empty SRT file and a WebVTT file of the header alone',
  async (t) => {
    t.equal(toSrt([]), '')
    t.equal(toVtt([]), 'WEBVTT\n')
    t.same(parseSrt(toSrt([])), [])
    t.same(parseVtt(toVtt([])), [])
    t.equal(toPlainText(''), '')
    t.equal(toPlainText('  \n '), '', 'blanks only are empty too')
  },
)

t.test(
  'segments of blanks only, with no text or with times that are not numbers are left out',
  async (t) => {
    const odd = [
      { start: 0, end: 1, text: '   ' },
      { start: 1, end: 2, text: '\n\n' },
      { start: Number.NaN, end: 3, text: 'no start' },
      { start: 3, end: Number.POSITIVE_INFINITY, text: 'no end' },
      { start: 4, end: 5, text: null as unknown as string },
      { start: 5, end: 6, text: 'kept' },
    ]
    t.same(parseSrt(toSrt(odd)), [{ startMs: 5000, endMs: 6000, lines: ['kept'] }])
    t.same(parseVtt(toVtt(odd)), [{ startMs: 5000, endMs: 6000, lines: ['kept'] }])
    t.equal(toSrt(odd.slice(0, 5)), '', 'nothing to show is an empty file')
  },
)

t.test('times past an hour, ten hours and a hundred hours keep every field', async (t) => {
  t.equal(formatTimestamp(3_723_456, ','), '01:02:03,456')
  t.equal(formatTimestamp(3_723_456, '.'), '01:02:03.456')
  t.equal(formatTimestamp(36_000_000, ','), '10:00:00,000')
  t.equal(formatTimestamp(359_999_999, '.'), '99:59:59.999')
  t.equal(formatTimestamp(360_000_000, '.'), '100:00:00.000')
  const late = [{ start: 7325.5, end: 7331.125, text: 'Two hours in.' }]
  t.match(toSrt(late), /^1\n02:02:05,500 --> 02:02:11,125\n/u)
  t.match(toVtt(late), /\n02:02:05\.500 --> 02:02:11\.125\n/u)
  t.same(parseVtt(toVtt(late))[0], {
    startMs: 7_325_500,
    endMs: 7_331_125,
    lines: ['Two hours in.'],
  })
})

t.test('rounding to the millisecond never makes a cue end at or before its start', async (t) => {
  const tight = [
    { start: 1.0004, end: 1.0001, text: 'rounds to the same millisecond' },
    { start: 2.9996, end: 2.9994, text: 'ends before it starts' },
    { start: 4, end: 4, text: 'no length at all' },
    { start: 5.0005, end: 5.0015, text: 'half milliseconds' },
  ]
  const cues = parseVtt(toVtt(tight))
  t.same(
    cues.map((cue) => [cue.startMs, cue.endMs]),
    [
      [1000, 1001],
      [3000, 3001],
      [4000, 4001],
      [5001, 5002],
    ],
  )
  t.same(
    parseSrt(toSrt(tight)).map((cue) => [cue.startMs, cue.endMs]),
    cues.map((cue) => [cue.startMs, cue.endMs]),
  )
})

t.test('a thousand random segments always give files the strict readers accept', async (t) => {
  // Park–Miller's generator from a fixed seed: varied enough to find edge cases, exact in
  // doubles, and the same on every run.
  let seed = 42
  const next = () => {
    seed = (seed * 48_271) % 2_147_483_647
    return seed / 2_147_483_647
  }
  const segments = Array.from({ length: 1000 }, (_, n) => {
    const start = next() * 9000
    return { start, end: start + (next() - 0.1) * 3, text: `segment ${n}` }
  })
  const srt = parseSrt(toSrt(segments))
  const vtt = parseVtt(toVtt(segments))
  t.equal(srt.length, 1000)
  t.same(srt, vtt, 'both formats carry the same cues')
  const ordered = vtt.every(
    (cue, index) => index === 0 || cue.startMs >= (vtt[index - 1]?.startMs ?? 0),
  )
  t.ok(ordered, 'cues in start order')
  const starts = segments.map((segment) => Math.round(segment.start * 1000)).sort((a, b) => a - b)
  t.same(
    vtt.map((cue) => cue.startMs),
    starts,
    'every start is its segment’s, rounded',
  )
})

t.test('segments out of order come out in start order, ties in transcript order', async (t) => {
  const shuffled = [
    { start: 10, end: 11, text: 'third' },
    { start: 0, end: 1, text: 'first' },
    { start: 5, end: 6, text: 'second a' },
    { start: 5, end: 7, text: 'second b' },
  ]
  t.same(
    parseVtt(toVtt(shuffled)).map((cue) => cue.lines[0]),
    ['first', 'second a', 'second b', 'third'],
  )
})

t.test('an arrow in the text cannot pass for a timing line in either format', async (t) => {
  const arrows = [{ start: 0, end: 2, text: 'A --> B, then B ---> C and x-->y' }]
  const [srtCue] = parseSrt(toSrt(arrows))
  t.same(srtCue?.lines, ['A -> B, then B -> C and x->y'], 'SRT has no escape: shortened')
  const [vttCue] = parseVtt(toVtt(arrows))
  t.same(vttCue?.lines, ['A --> B, then B ---> C and x-->y'], 'WebVTT escapes it losslessly')
  t.match(toVtt(arrows), /A --&gt; B/u)
})

t.test('blank lines inside a segment never end its cue early', async (t) => {
  const paragraphs = [
    { start: 0, end: 2, text: 'First line.\n\n\nSecond line.\r\n \r\nThird.' },
    { start: 2, end: 3, text: 'Next cue.' },
  ]
  const expected = [
    { startMs: 0, endMs: 2000, lines: ['First line.', 'Second line.', 'Third.'] },
    { startMs: 2000, endMs: 3000, lines: ['Next cue.'] },
  ]
  t.same(parseSrt(toSrt(paragraphs)), expected)
  t.same(parseVtt(toVtt(paragraphs)), expected)
})

t.test('Unicode line separators, tabs and control characters do not break cues', async (t) => {
  const odd = [{ start: 0, end: 1, text: 'one\u2028two\u2029three\u0085four\tfive\u0000six\u0007' }]
  const expected = [{ startMs: 0, endMs: 1000, lines: ['one', 'two', 'three', 'four five six'] }]
  t.same(parseSrt(toSrt(odd)), expected)
  t.same(parseVtt(toVtt(odd)), expected)
})

t.test('< and & are escaped in WebVTT, so no tag opens, and read back as typed', async (t) => {
  const markup = [{ start: 0, end: 1, text: 'if a < b && c > d then <b>bold</b> &amp; done' }]
  const vtt = toVtt(markup)
  t.notMatch(vtt.split('\n').slice(2).join('\n'), /<|&(?!amp;|lt;|gt;)/u, 'only escapes')
  t.same(parseVtt(vtt)[0]?.lines, ['if a < b && c > d then <b>bold</b> &amp; done'])
  t.same(
    parseSrt(toSrt(markup))[0]?.lines,
    ['if a < b && c > d then <b>bold</b> &amp; done'],
    'SRT has no escapes: written as typed',
  )
})

t.test('cues keep the text of their segment, trimmed and single-spaced', async (t) => {
  t.same(toCues([{ start: 0, end: 1, text: '   spaced    out   words  ' }]), [
    { startMs: 0, endMs: 1000, lines: ['spaced out words'] },
  ])
  t.same(toCues([{ start: -2, end: -1, text: 'before zero' }]), [
    { startMs: 0, endMs: 1, lines: ['before zero'] },
  ])
})

t.test('plain text is the transcript with one final newline', async (t) => {
  t.equal(toPlainText('Cells divide. They divide again.'), 'Cells divide. They divide again.\n')
  t.equal(toPlainText('\n  Line one.\nLine two.  \n\n'), 'Line one.\nLine two.\n')
})
