import t from 'tap'
import { hasSentencePunctuation, splitIntoUnits, toSummarySentence } from '../../src/text/units.ts'

const segment = (text: string, start = 0) => ({ start, end: start + 1, text })

t.test('punctuation is recognised only where it ends a sentence', async (t) => {
  t.ok(hasSentencePunctuation('One idea. Another one.'))
  t.ok(hasSentencePunctuation('Is it? "Yes," she said.'))
  t.ok(hasSentencePunctuation('A single sentence with its stop.'))
  t.ok(hasSentencePunctuation('It costs 5 dollars. 3 people paid.'))
  t.notOk(hasSentencePunctuation('and mr john s. would have been at leisure'), 'dictionary dots')
  t.notOk(hasSentencePunctuation('we met at ten a.m. and left'), 'lowercase after the dot')
  t.notOk(hasSentencePunctuation('Hello world'), 'no stop at all')
  t.notOk(hasSentencePunctuation('version 2.5 is out.'), 'lowercase start, one stop')
})

t.test('a punctuated transcript is split into its sentences, segments ignored', async (t) => {
  const units = splitIntoUnits({
    text: 'First point here.  Second point?\nThird one! "Quoted four." (Fifth.) It is 3.5 m.',
    segments: [segment('ignored')],
  })
  t.same(
    units.map((unit) => unit.text),
    [
      'First point here.',
      'Second point?',
      'Third one!',
      '"Quoted four."',
      '(Fifth.)',
      'It is 3.5 m.',
    ],
  )
  t.ok(units.every((unit) => unit.punctuated))
})

t.test('an unpunctuated transcript uses its non-blank segments as units', async (t) => {
  const units = splitIntoUnits({
    text: 'so today entropy   it always grows',
    segments: [segment('so today entropy'), segment('  '), segment(' it  always grows ', 2)],
  })
  t.same(units, [
    { text: 'so today entropy', punctuated: false },
    { text: 'it always grows', punctuated: false },
  ])
})

t.test('an unpunctuated transcript without segments is cut into 20-word runs', async (t) => {
  const words = Array.from({ length: 45 }, (_, index) => `w${index}`)
  const units = splitIntoUnits({ text: words.join(' '), segments: [] })
  t.same(
    units.map((unit) => unit.text.split(' ').length),
    [20, 20, 5],
  )
  t.equal(units.map((unit) => unit.text).join(' '), words.join(' '))
})

t.test('a blank transcript has no units, even with segments', async (t) => {
  t.same(splitIntoUnits({ text: ' \n\t', segments: [segment('stray words')] }), [])
})

t.test('a unit becomes a capitalised sentence with a stop', async (t) => {
  t.equal(
    toSummarySentence({ text: 'so i think entropy always grows', punctuated: false }),
    'So I think entropy always grows.',
  )
  t.equal(
    toSummarySentence({ text: "i'm sure i'll see it if i try", punctuated: false }),
    "I'm sure I'll see it if I try.",
  )
  t.equal(
    toSummarySentence({ text: 'the pi of wi-fi is i', punctuated: false }),
    'The pi of wi-fi is I.',
  )
  t.equal(toSummarySentence({ text: 'why does it grow?', punctuated: true }), 'Why does it grow?')
  t.equal(toSummarySentence({ text: '"Quoted four."', punctuated: true }), '"Quoted four."')
  t.equal(toSummarySentence({ text: 'trailing comma,', punctuated: false }), 'Trailing comma.')
  t.equal(
    toSummarySentence({ text: 'in the i-th row i said', punctuated: true }),
    'In the i-th row i said.',
    'a punctuated sentence keeps its own casing',
  )
})
