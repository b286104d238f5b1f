import t from 'tap'
import { splitIntoLines, spreadTextOverSound } from '../../src/engines/derived-times.ts'

t.test('sentences are laid over the sound in proportion to their length', async (t) => {
  const segments = spreadTextOverSound(
    'One two three. Four five six seven eight nine?',
    [{ start: 1, end: 11 }],
    12,
  )

  t.equal(segments.length, 2)
  t.equal(segments[0]?.start, 1, 'the first starts with the sound')
  t.equal(segments[1]?.end, 11, 'the last ends with the sound')
  t.equal(segments[0]?.end, segments[1]?.start, 'they meet')
  t.ok((segments[0]?.end ?? 0) < 6, 'the shorter sentence takes less time')
})

t.test('no segment starts or ends inside a pause', async (t) => {
  const sound = [
    { start: 0, end: 2 },
    { start: 5, end: 7 },
  ]

  const segments = spreadTextOverSound('Aaaa bbbb. Cccc dddd.', sound, 8)

  t.same(segments, [
    { start: 0, end: 2, text: 'Aaaa bbbb.' },
    { start: 5, end: 7, text: 'Cccc dddd.' },
  ])
})

t.test('without measured sound the whole audio is used', async (t) => {
  const segments = spreadTextOverSound('Just this.', undefined, 4.5)

  t.same(segments, [{ start: 0, end: 4.5, text: 'Just this.' }])
})

t.test('a long sentence without punctuation is split into readable lines', async (t) => {
  const words = Array.from({ length: 70 }, (_, index) => `w${index}`).join(' ')

  t.same(
    splitIntoLines(words).map((line) => line.split(' ').length),
    [30, 30, 10],
  )
})

t.test('blank text gives no segments', async (t) => {
  t.same(spreadTextOverSound('   ', [{ start: 0, end: 3 }], 3), [])
})
