import t from 'tap'
import {
  normaliseWords,
  wordEditDistance,
  wordErrorRate,
} from '../../src/quality/word-error-rate.ts'

t.test('identical texts have no errors, whatever their case and punctuation', async (t) => {
  t.equal(
    wordErrorRate('He was not an ill-disposed young man.', 'he was not an ill disposed young man'),
    0,
  )
})

t.test('substitutions, deletions and insertions each count as one error', async (t) => {
  const reference = 'the cat sat on the mat'
  t.equal(wordErrorRate(reference, 'the dog sat on the mat'), 1 / 6, 'one substitution')
  t.equal(wordErrorRate(reference, 'the cat sat on mat'), 1 / 6, 'one deletion')
  t.equal(wordErrorRate(reference, 'the cat sat on the red mat'), 1 / 6, 'one insertion')
  t.equal(wordErrorRate(reference, 'cat sat on the mat today'), 2 / 6, 'deletion and insertion')
})

t.test(
  'the rate exceeds 1 when the hypothesis inserts more words than the reference has',
  async (t) => {
    t.equal(wordErrorRate('yes', 'no no no'), 3)
  },
)

t.test('an empty reference counts each hypothesised word as an error', async (t) => {
  t.equal(wordErrorRate('', ''), 0)
  t.equal(wordErrorRate('  ', 'uh huh'), 2)
  t.equal(wordErrorRate('some words here', ''), 1, 'an empty hypothesis deletes every word')
})

t.test('words are lowercased with punctuation stripped and in-word apostrophes kept', async (t) => {
  t.same(normaliseWords("  'Don't' stop, Mr. Dashwood!  Cold-hearted; 3.5 "), [
    "don't",
    'stop',
    'mr',
    'dashwood',
    'cold',
    'hearted',
    '3',
    '5',
  ])
  t.same(normaliseWords('Élan naïve'), ['élan', 'naïve'], 'letters outside ASCII are words too')
})

t.test('the edit distance is symmetric and zero only for equal sequences', async (t) => {
  const a = ['a', 'b', 'c', 'd']
  const b = ['a', 'x', 'c']
  t.equal(wordEditDistance(a, b), 2)
  t.equal(wordEditDistance(b, a), 2)
  t.equal(wordEditDistance(a, a), 0)
  t.equal(wordEditDistance([], a), 4)
  t.equal(wordEditDistance(a, []), 4)
})
