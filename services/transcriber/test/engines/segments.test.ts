import t from 'tap'
import { groupWordsIntoSegments, type TimedWord } from '../../src/engines/segments.ts'

/** Words of one utterance, each 0.3 s long, separated by the given gaps. */
function spokenWords(gaps: number[], utterance = 0, from = 0): TimedWord[] {
  const words: TimedWord[] = []
  let start = from
  for (const [index, gap] of [0, ...gaps].entries()) {
    start += gap
    words.push({ word: `w${index}`, start, end: start + 0.3, utterance })
    start += 0.3
  }
  return words
}

t.test('no words give no segments', async (t) => {
  t.same(groupWordsIntoSegments([]), [])
})

t.test('words without long pauses form one segment with the outer times', async (t) => {
  const segments = groupWordsIntoSegments(spokenWords([0.01, 0.2, 0.49]))
  t.same(segments, [{ start: 0, end: 1.9, text: 'w0 w1 w2 w3' }])
})

t.test('a pause of half a second or more starts a new segment', async (t) => {
  const segments = groupWordsIntoSegments(spokenWords([0.1, 0.5, 0.1]))
  t.same(
    segments.map((segment) => segment.text),
    ['w0 w1', 'w2 w3'],
  )
})

t.test('an utterance boundary starts a new segment even without a pause', async (t) => {
  const words = [...spokenWords([0.1], 0), ...spokenWords([0.1], 1, 0.8)]
  t.same(
    groupWordsIntoSegments(words).map((segment) => segment.text),
    ['w0 w1', 'w0 w1'],
  )
})

t.test('a segment never passes 30 words', async (t) => {
  const segments = groupWordsIntoSegments(spokenWords(new Array(69).fill(0)))
  t.same(
    segments.map((segment) => segment.text.split(' ').length),
    [30, 30, 10],
  )
})

t.test('a segment never spans more than 12 seconds of continuous speech', async (t) => {
  // 40 words of 0.3 s with 0.1 s gaps: 16 s of speech without a half-second pause.
  const segments = groupWordsIntoSegments(spokenWords(new Array(39).fill(0.1)))
  t.ok(segments.length > 1)
  for (const segment of segments) t.ok(segment.end - segment.start <= 12, segment.text)
})

t.test('one word longer than the span limit still makes a segment of its own', async (t) => {
  const words: TimedWord[] = [
    { word: 'short', start: 0, end: 0.3, utterance: 0 },
    { word: 'endless', start: 0.4, end: 13, utterance: 0 },
  ]
  t.same(groupWordsIntoSegments(words), [
    { start: 0, end: 0.3, text: 'short' },
    { start: 0.4, end: 13, text: 'endless' },
  ])
})

t.test('segment times are rounded to milliseconds', async (t) => {
  const words: TimedWord[] = [{ word: 'x', start: 1.23456, end: 2.00049, utterance: 0 }]
  t.same(groupWordsIntoSegments(words), [{ start: 1.235, end: 2, text: 'x' }])
})
