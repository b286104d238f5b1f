import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { estimateMessages, mapPromptOpening } from '../../../src/chat/prompts.ts'
import type { SummaryInput } from '../../../src/engines/engine.ts'
import {
  apiError,
  type RecordedRequest,
  reply,
  startChatServer,
  summaryReply,
} from '../../support/chat-server.ts'
import { engineFor, systemOf, transcriptOf, userOf } from '../../support/engine-harness.ts'

const vocabulary = (
  'cell membrane protein energy enzyme nucleus ribosome gene mutation chromosome ' +
  'photosynthesis respiration glucose oxygen carbon water light reaction cycle matrix ' +
  'organism species evolution selection population habitat climate molecule acid base'
).split(' ')

/** About `wordCount` words of lecture, in segments of 10 to 30 words, each numbered. */
function longLecture(wordCount: number): SummaryInput {
  const texts: string[] = []
  for (let count = 0, index = 0; count < wordCount; index += 1) {
    const length = 10 + ((index * 7) % 21)
    const words = Array.from({ length }, (_, at) => vocabulary[(index * 31 + at * 17) % 30])
    texts.push(`segment ${index} ${words.join(' ')}`)
    count += length + 2
  }
  return transcriptOf(texts)
}

const budget = { tokenBudget: 4_000, maxOutputTokens: 500 }
const lecture = longLecture(20_000)

function partOf(request: RecordedRequest): number {
  return Number(/part (\d+) of/u.exec(systemOf(request.body))?.[1] ?? 1)
}

function isMap(request: RecordedRequest): boolean {
  return systemOf(request.body).startsWith(mapPromptOpening)
}

function withinBudget(request: RecordedRequest): boolean {
  const messages = { system: systemOf(request.body), user: userOf(request.body) }
  return (
    estimateMessages(messages) + (request.body.max_completion_tokens ?? Infinity) <=
    budget.tokenBudget
  )
}

t.test('a 20,000-word lecture is summarised map-reduce with every word sent', async (t) => {
  const server = await startChatServer(t, (request) =>
    isMap(request)
      ? { ...summaryReply(`Summary of part ${partOf(request)}.`, ['a point']), delayMs: 20 }
      : summaryReply('The whole lecture.', ['Cells', 'Energy']),
  )
  const progress: number[] = []

  const result = await engineFor(server, { ...budget, concurrency: 3 }).summarize(lecture, {
    onProgress: (fraction) => progress.push(fraction),
  })

  t.same(result, { summary: 'The whole lecture.', keyPoints: ['Cells', 'Energy'] })
  const maps = server.requests.filter(isMap).sort((a, b) => partOf(a) - partOf(b))
  const reduces = server.requests.filter((request) => !isMap(request))
  t.ok(maps.length >= 5, `${maps.length} map requests`)
  t.equal(reduces.length, 1, 'one reduce request merges the short partials')
  t.same(
    maps.map(partOf),
    maps.map((_, index) => index + 1),
    'each part asked once',
  )
  t.ok(server.requests.every(withinBudget), 'every request within the token budget')

  const sent = maps.flatMap((request) => userOf(request.body).split('\n'))
  t.same(
    sent,
    lecture.segments.map((segment) => segment.text),
    'every segment sent, in order',
  )
  const reduceMaterial = reduces.map((request) => userOf(request.body)).join('\n')
  for (let part = 1; part <= maps.length; part += 1) {
    t.match(reduceMaterial, `Summary of part ${part}.`, `part ${part} reached the reduce`)
  }

  t.ok(server.maxInFlight > 1 && server.maxInFlight <= 3, `${server.maxInFlight} at once`)
  t.ok(progress.length >= maps.length, 'progress moved per part')
  t.same(
    progress,
    [...progress].sort((a, b) => a - b),
    'progress only rises',
  )
  t.equal(progress.at(-1), 1)
})

t.test('partial summaries too long for one request are reduced again', async (t) => {
  const filler = 'The part explains how cells turn glucose into usable energy. '.repeat(24)
  const server = await startChatServer(t, (request) => {
    if (isMap(request)) return summaryReply(`Summary of part ${partOf(request)}. ${filler}`)
    const user = userOf(request.body)
    if (user.includes('Summary of part')) {
      const first = /Summary of part (\d+)\./u.exec(user)?.[1]
      return summaryReply(`Merged from part ${first}. ${filler}`)
    }
    return reply(JSON.stringify({ summary: 'The whole lecture.', keyPoints: ['Energy'] }))
  })

  const result = await engineFor(server, budget).summarize(lecture, {})

  t.same(result, { summary: 'The whole lecture.', keyPoints: ['Energy'] })
  const maps = server.requests.filter(isMap)
  const firstRound = server.requests.filter(
    (request) => !isMap(request) && userOf(request.body).includes('Summary of part'),
  )
  const lastRound = server.requests.filter((request) => userOf(request.body).includes('Merged'))
  t.ok(firstRound.length >= 2, `${firstRound.length} reduce requests in the first round`)
  t.equal(lastRound.length, 1, 'one final reduce of the merged summaries')
  t.ok(server.requests.every(withinBudget), 'every request within the token budget')
  const merged = firstRound.map((request) => userOf(request.body)).join('\n')
  for (let part = 1; part <= maps.length; part += 1) {
    t.match(merged, `Summary of part ${part}.`, `part ${part} reached a reduce`)
  }
})

t.test('a part refused for good stops the other parts and reports the refusal', async (t) => {
  const server = await startChatServer(t, (request, index) =>
    index === 2
      ? apiError(401, { message: 'bad key', type: 'invalid_request_error', code: null })
      : { ...summaryReply(`Summary of part ${partOf(request)}.`), delayMs: 50 },
  )

  const error = await engineFor(server, { ...budget, concurrency: 2 })
    .summarize(lecture, {})
    .catch((caught: unknown) => caught)

  t.ok(isCodedError(error) && error.code === 'PROVIDER_AUTH_FAILED', 'the refusal, not a cancel')
  t.ok(server.requests.length <= 4, `${server.requests.length} requests, not one per part`)
})
