import { isCodedError } from '@tella/contracts'
import t, { type Test } from 'tap'
import type { SummaryInput } from '../../src/engines/engine.ts'
import { createExtractiveEngine } from '../../src/engines/extractive.ts'

/** An unpunctuated transcript, as PocketSphinx gives it: lowercase, one segment per pause. */
const lectureSegments = [
  'okay so today we are going to talk about photosynthesis',
  'photosynthesis is how plants turn light energy into chemical energy',
  'um yeah',
  'the light reactions happen in the thylakoid membrane of the chloroplast',
  'and the calvin cycle happens in the stroma of the chloroplast',
  'so the light reactions make atp and nadph',
  'the calvin cycle uses atp and nadph to fix carbon dioxide into sugar',
  'okay any questions',
  'chlorophyll absorbs red and blue light and reflects green light',
  'that is why leaves look green',
  'so remember light reactions in the thylakoid calvin cycle in the stroma',
  'um yeah',
]

function fromSegments(texts: readonly string[]): SummaryInput {
  return {
    text: texts.join(' '),
    segments: texts.map((text, index) => ({ start: index * 5, end: index * 5 + 4, text })),
  }
}

/** Splits a summary back into its sentences, each lowercased without its final stop. */
function summarySentences(summary: string): string[] {
  if (summary === '') return []
  return summary.split(/(?<=[.!?])\s+/).map((sentence) => sentence.replace(/[.!?]$/, ''))
}

function assertQuotedFromInput(t: Test, summary: string, units: readonly string[]) {
  const known = new Set(units.map((unit) => unit.toLowerCase().replace(/[.!?]$/, '')))
  for (const sentence of summarySentences(summary)) {
    t.ok(known.has(sentence.toLowerCase()), `"${sentence}" is quoted from the input`)
  }
}

const engine = createExtractiveEngine({})

t.test('an empty or blank transcript gives an empty summary', async (t) => {
  const empty = { summary: '', keyPoints: [] }
  t.same(await engine.summarize({ text: '', segments: [] }, {}), empty)
  t.same(await engine.summarize({ text: ' \n\t ', segments: [] }, {}), empty)
  t.same(await engine.summarize(fromSegments(['um yeah', 'okay so']), {}), empty, 'fillers only')
})

t.test('a one-segment transcript is its own summary', async (t) => {
  const result = await engine.summarize(
    fromSegments(['welcome to the course on linear algebra i am your teacher']),
    {},
  )
  t.same(result, {
    summary: 'Welcome to the course on linear algebra I am your teacher.',
    keyPoints: ['Welcome', 'Course', 'Linear', 'Algebra', 'Teacher'],
  })
})

t.test('unpunctuated segments are quoted as sentences, in spoken order', async (t) => {
  const result = await engine.summarize(fromSegments(lectureSegments), {})

  t.same(summarySentences(result.summary), [
    'Photosynthesis is how plants turn light energy into chemical energy',
    'The light reactions happen in the thylakoid membrane of the chloroplast',
    'So the light reactions make atp and nadph',
    'Chlorophyll absorbs red and blue light and reflects green light',
    'So remember light reactions in the thylakoid calvin cycle in the stroma',
  ])
  t.same(result.keyPoints, [
    'Light reactions',
    'Calvin cycle',
    'Photosynthesis',
    'Energy',
    'Thylakoid',
  ])
  assertQuotedFromInput(t, result.summary, lectureSegments)
})

t.test('a punctuated transcript is summarised by its own sentences', async (t) => {
  const sentences = [
    'Entropy is a measure of disorder.',
    'In an isolated system, entropy never decreases!',
    'Why does entropy grow?',
    'Because disordered states far outnumber ordered states.',
    'That is all for today.',
  ]
  const text = sentences.join(' ')
  // Segments cut mid-sentence, as timed engines do: the sentences must win.
  const segments = [
    { start: 0, end: 4, text: text.slice(0, 40) },
    { start: 4, end: 9, text: text.slice(40) },
  ]
  const result = await createExtractiveEngine({ maxSentences: 2 }).summarize({ text, segments }, {})

  t.equal(
    result.summary,
    'In an isolated system, entropy never decreases! ' +
      'Because disordered states far outnumber ordered states.',
    'sentences keep their own punctuation, an exclamation included',
  )
  assertQuotedFromInput(t, result.summary, sentences)
  t.equal(result.keyPoints[0], 'Entropy')
})

t.test('the same input always gives the same summary', async (t) => {
  const input = fromSegments([...lectureSegments].reverse())
  const first = await engine.summarize(input, {})
  for (let run = 0; run < 5; run += 1) {
    t.same(await createExtractiveEngine({}).summarize(input, {}), first)
  }
})

t.test('repeated identical segments are quoted once at most', async (t) => {
  const loop = 'the calvin cycle fixes carbon dioxide into sugar'
  const texts = [...lectureSegments, loop, loop, loop, loop, loop, loop, loop, loop]
  const result = await engine.summarize(fromSegments(texts), {})

  const sentences = summarySentences(result.summary).map((sentence) => sentence.toLowerCase())
  t.ok(sentences.filter((sentence) => sentence === loop).length <= 1, result.summary)
  t.equal(new Set(sentences).size, sentences.length, 'no sentence twice')
  assertQuotedFromInput(t, result.summary, texts)
})

t.test('a two-hour transcript of 20,000 words is summarised from its own words', async (t) => {
  const texts = syntheticLecture(2_000, 10)
  const input = fromSegments(texts)
  t.equal(input.text.split(' ').length, 20_000)

  const started = performance.now()
  const result = await engine.summarize(input, {})
  t.comment(`20,000 words summarised in ${Math.round(performance.now() - started)} ms`)

  t.equal(summarySentences(result.summary).length, 5)
  assertQuotedFromInput(t, result.summary, texts)
  t.equal(result.keyPoints.length, 5)
  for (const keyPoint of result.keyPoints) {
    t.ok(input.text.includes(keyPoint.toLowerCase()), `${keyPoint} occurs in the transcript`)
  }
})

t.test('limits bound the output and zero turns a part off', async (t) => {
  const result = await createExtractiveEngine({ maxSentences: 1, maxKeyPoints: 0 }).summarize(
    fromSegments(lectureSegments),
    {},
  )
  t.equal(summarySentences(result.summary).length, 1)
  t.same(result.keyPoints, [])
})

t.test('an aborted signal rejects with CANCELLED', async (t) => {
  const controller = new AbortController()
  controller.abort()
  const error = await engine
    .summarize(fromSegments(lectureSegments), { signal: controller.signal })
    .then(
      () => undefined,
      (reason: unknown) => reason,
    )
  t.ok(isCodedError(error) && error.code === 'CANCELLED')
})

t.test('invalid limits are refused at construction, naming the option', async (t) => {
  t.throws(() => createExtractiveEngine({ maxSentences: -1 }), /"maxSentences"/)
  t.throws(() => createExtractiveEngine({ maxKeyPoints: 2.5 }), /"maxKeyPoints"/)
  t.throws(() => createExtractiveEngine({ maxSentences: Number.NaN }), /"maxSentences"/)
})

/**
 * Segments of a long lecture built from a fixed seed: topic words mixed with function words
 * and fillers in proportions near real speech, so the scoring sees realistic counts.
 */
function syntheticLecture(segmentCount: number, wordsPerSegment: number): string[] {
  const topic = 'entropy energy heat temperature system gas pressure volume work engine'.split(' ')
  const rare = 'boltzmann carnot kelvin joule piston turbine molecule reservoir'.split(' ')
  const glue = 'the a of and to in is so we um that it this yeah you know'.split(' ')
  let seed = 42
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  const pick = (words: string[]) => words[Math.floor(next() * words.length)] ?? ''

  return Array.from({ length: segmentCount }, () =>
    Array.from({ length: wordsPerSegment }, () => {
      const roll = next()
      return roll < 0.35 ? pick(topic) : roll < 0.4 ? pick(rare) : pick(glue)
    }).join(' '),
  )
}
