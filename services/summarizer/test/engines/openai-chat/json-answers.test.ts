import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { mapPromptOpening } from '../../../src/chat/prompts.ts'
import { reply, startChatServer, summaryReply } from '../../support/chat-server.ts'
import { engineFor, systemOf, testKey, transcriptOf, userOf } from '../../support/engine-harness.ts'

const lecture = transcriptOf([
  'today we talk about cell division',
  'mitosis gives two identical daughter cells',
  'meiosis gives four cells with half the chromosomes',
])
const answer = {
  summary: 'Mitosis makes two identical cells; meiosis makes four with half the chromosomes.',
  keyPoints: ['Mitosis', 'Meiosis', 'Chromosome count'],
}

t.test('a JSON answer becomes the summary and key points', async (t) => {
  const server = await startChatServer(t, () => summaryReply(answer.summary, answer.keyPoints))

  const result = await engineFor(server).summarize(lecture, {})

  t.same(result, answer)
  t.equal(server.requests.length, 1, 'a short transcript takes one request')
  const request = server.requests[0]
  if (!request) return
  t.equal(request.headers.authorization, `Bearer ${testKey}`, 'the key is sent as a bearer')
  t.equal(request.body.model, 'test-model')
  t.same(request.body.response_format, { type: 'json_object' }, 'JSON is asked for')
  t.equal(request.body.max_completion_tokens, 800, 'the answer is bounded')
  t.ok(systemOf(request.body).startsWith(mapPromptOpening), 'asks for a summary')
  t.equal(
    userOf(request.body),
    lecture.segments.map((segment) => segment.text).join('\n'),
    'the user message is the transcript, one segment a line',
  )
})

t.test('JSON in a code fence after a line of prose is read', async (t) => {
  const fenced = `Here is your summary:\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\``
  const server = await startChatServer(t, () => reply(fenced))

  t.same(await engineFor(server).summarize(lecture, {}), answer)
})

t.test('an answer without JSON is asked again, and the next good answer is used', async (t) => {
  const server = await startChatServer(t, (_request, index) =>
    index === 0
      ? reply('The lecture covered mitosis and meiosis.')
      : summaryReply(answer.summary, answer.keyPoints),
  )

  t.same(await engineFor(server).summarize(lecture, {}), answer)
  t.equal(server.requests.length, 2)
})

t.test('answers that never hold JSON fail with SUMMARY_FAILED after the retries', async (t) => {
  const server = await startChatServer(t, () => ({
    kind: 'reply',
    content: '{"summary": "Mitosis makes two',
    finishReason: 'length',
  }))

  const error = await engineFor(server, { parseRetries: 2 })
    .summarize(lecture, {})
    .catch((caught: unknown) => caught)

  t.ok(isCodedError(error), 'a coded error')
  if (!isCodedError(error)) return
  t.equal(error.code, 'SUMMARY_FAILED')
  t.equal(error.retryable, false, 'no redelivery would cure it')
  t.match(error.detail, /3 attempts.*OPENAI_SUMMARY_MAX_OUTPUT_TOKENS/u, 'says it was cut short')
  t.equal(server.requests.length, 3, 'one request and two retries')
})

t.test('with JSON mode off no response_format is sent', async (t) => {
  const server = await startChatServer(t, () => summaryReply(answer.summary, answer.keyPoints))

  await engineFor(server, { jsonMode: false }).summarize(lecture, {})

  t.equal(server.requests[0]?.body.response_format, undefined)
})

t.test('a blank transcript is never sent to the provider', async (t) => {
  const server = await startChatServer(t, () => summaryReply('invented', ['invented']))

  const result = await engineFor(server).summarize(transcriptOf(['  ', '\n']), {})

  t.same(result, { summary: '', keyPoints: [] })
  t.equal(server.requests.length, 0)
})
