import t from 'tap'
import { stopWords } from '../../src/text/stop-words.ts'
import { isContentWord, tokenize } from '../../src/text/words.ts'

t.test('text becomes lowercase words with possessives dropped', async (t) => {
  t.same(tokenize("The Lecture's first half, don't skip it! It’s 3.5 hours."), [
    'the',
    'lecture',
    'first',
    'half',
    "don't",
    'skip',
    'it',
    "it's",
    '3',
    '5',
    'hours',
  ])
  t.same(tokenize('  \n '), [])
  t.same(tokenize('Schrödinger’s café'), ['schrödinger', 'café'])
})

t.test('content words are the topical ones', async (t) => {
  for (const word of ['entropy', 'ai', 'x2', 'café']) t.ok(isContentWord(word), word)
  for (const word of ['the', 'um', 'yeah', "don't", 'x', '42', 'gonna']) {
    t.notOk(isContentWord(word), word)
  }
})

t.test('the stop-word list is lowercase with straight apostrophes, as tokens are', async (t) => {
  for (const word of stopWords) t.match(word, /^[a-z']+$/, word)
  t.ok(stopWords.size > 200, `${stopWords.size} words`)
})
