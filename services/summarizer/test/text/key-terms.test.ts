import t from 'tap'
import { extractKeyTerms } from '../../src/text/key-terms.ts'

const units = (...texts: string[]) => texts.map((text) => text.split(' '))

t.test('a repeated phrase outranks its words and makes them unavailable', async (t) => {
  const transcript = units(
    'the light reactions happen in the thylakoid',
    'the light reactions make atp',
    'red light and blue light and green light',
    'remember light reactions',
  )
  // `light` alone is said three more times, but a listed phrase already covers it.
  t.same(extractKeyTerms(transcript, 3), ['Light reactions'])
})

t.test('terms said once do not count when others were said twice', async (t) => {
  const transcript = units(
    'gradient descent needs a learning rate',
    'gradient descent with a smaller rate',
  )
  t.same(extractKeyTerms(transcript, 3), ['Gradient descent', 'Rate'])
})

t.test('in a short input where nothing repeats, every content term is a candidate', async (t) => {
  t.same(extractKeyTerms(units('welcome to the course on linear algebra'), 2), [
    'Welcome',
    'Course',
  ])
})

t.test('ties go to the term said first and the limit is respected', async (t) => {
  const transcript = units('zebra apple', 'zebra apple mango', 'mango')
  t.same(extractKeyTerms(transcript, 5), ['Zebra apple', 'Mango'])
  t.same(extractKeyTerms(transcript, 1), ['Zebra apple'])
  t.same(extractKeyTerms(transcript, 0), [])
})

t.test('no content words give no key terms', async (t) => {
  t.same(extractKeyTerms(units('um yeah so', 'okay'), 5), [])
  t.same(extractKeyTerms([], 5), [])
})

t.test('a word repeated next to itself is not a phrase', async (t) => {
  t.same(extractKeyTerms(units('data data data', 'data data'), 5), ['Data'])
})
