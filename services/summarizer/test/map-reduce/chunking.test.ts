import t from 'tap'
import { chunkTranscript, packTexts } from '../../src/map-reduce/chunking.ts'
import { estimateTokens } from '../../src/map-reduce/token-estimate.ts'
import { transcriptOf } from '../support/engine-harness.ts'

function words(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean)
}

t.test(
  'tokens are estimated high: three ASCII characters, or one other character, each',
  async (t) => {
    t.equal(estimateTokens(''), 0)
    t.equal(estimateTokens('abc'), 1)
    t.equal(estimateTokens('abcd'), 2)
    t.equal(estimateTokens('café'), 2, 'one ASCII token plus é')
    t.equal(estimateTokens('细胞分裂'), 4)
  },
)

t.test('a transcript that fits is one chunk with one segment a line', async (t) => {
  const chunks = chunkTranscript(transcriptOf(['first segment', ' second segment ', '  ']), 100)
  t.same(chunks, ['first segment\nsecond segment'])
})

t.test('a transcript without segments is chunked from its text', async (t) => {
  t.same(chunkTranscript({ text: ' all in one ', segments: [] }, 100), ['all in one'])
  t.same(chunkTranscript({ text: ' \n ', segments: [] }, 100), [])
})

t.test('chunks are cut between whole segments, each within capacity, none lost', async (t) => {
  const segments = Array.from({ length: 200 }, (_, index) => `segment ${index} says a few words`)
  const capacity = 120
  const chunks = chunkTranscript(transcriptOf(segments), capacity)

  t.ok(chunks.length > 5, `${chunks.length} chunks`)
  for (const chunk of chunks) {
    t.ok(estimateTokens(chunk) <= capacity, `chunk of ${estimateTokens(chunk)} tokens fits`)
  }
  t.same(chunks.join('\n').split('\n'), segments, 'every segment, whole and in order')
})

t.test('a segment longer than a chunk is cut between words, keeping every word', async (t) => {
  const long = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ')
  const segments = ['before', long, 'after']
  const capacity = 50
  const chunks = chunkTranscript(transcriptOf(segments), capacity)

  for (const chunk of chunks) t.ok(estimateTokens(chunk) <= capacity)
  const lines = chunks.join('\n').split('\n')
  t.equal(lines[0], 'before', 'the segment before stays whole')
  t.equal(lines.at(-1), 'after', 'the segment after stays whole')
  t.ok(lines.length > 3, 'the long segment became several pieces')
  t.same(words(lines.slice(1, -1).join(' ')), words(long), 'its words, all and in order')
})

t.test(
  'a word longer than a chunk is cut between characters, keeping every character',
  async (t) => {
    const word = `${'x'.repeat(100)}é${'y'.repeat(100)}`
    const chunks = chunkTranscript(transcriptOf([word]), 10)

    for (const chunk of chunks) t.ok(estimateTokens(chunk) <= 10)
    t.equal(chunks.join(''), word)
  },
)

t.test('packing keeps order and counts one token per separator', async (t) => {
  t.same(packTexts(['abc', 'abc', 'abc'], 3), [['abc', 'abc'], ['abc']])
  t.same(packTexts(['abcdefghijkl'], 2), [['abcdefghijkl']], 'an oversized text stands alone')
  t.same(packTexts([], 5), [])
})

t.test('a capacity below one token is refused', async (t) => {
  t.throws(() => chunkTranscript(transcriptOf(['a']), 0), RangeError)
})
