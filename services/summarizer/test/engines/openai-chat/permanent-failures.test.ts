import { type CodedError, isCodedError } from '@tella/contracts'
import t, { type Test } from 'tap'
import { apiError, startChatServer } from '../../support/chat-server.ts'
import { capturedLogger, engineFor, testKey, transcriptOf } from '../../support/engine-harness.ts'

const lecture = transcriptOf(['the french revolution began in 1789'])

async function failureOf(t: Test, promise: Promise<unknown>): Promise<CodedError> {
  const error = await promise.catch((caught: unknown) => caught)
  t.ok(isCodedError(error), 'a coded error')
  if (!isCodedError(error)) throw error
  return error
}

t.test('400 context length exceeded fails at once, naming the budget to lower', async (t) => {
  const server = await startChatServer(t, () =>
    apiError(400, {
      message:
        "This model's maximum context length is 4096 tokens. However, your messages resulted " +
        'in 9000 tokens. Please reduce the length of the messages.',
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    }),
  )

  const error = await failureOf(t, engineFor(server).summarize(lecture, {}))

  t.equal(error.code, 'PROVIDER_REQUEST_REJECTED')
  t.equal(error.retryable, false)
  t.match(error.detail, /context window.*OPENAI_SUMMARY_TOKEN_BUDGET/u)
  t.equal(server.requests.length, 1, 'never retried')
})

t.test('a context overflow worded without a code (vLLM) is recognised too', async (t) => {
  const server = await startChatServer(t, () =>
    apiError(400, {
      message: "This model's maximum context length is 2048 tokens. However, you requested 3000",
      type: 'BadRequestError',
      code: null,
    }),
  )

  const error = await failureOf(t, engineFor(server).summarize(lecture, {}))

  t.equal(error.code, 'PROVIDER_REQUEST_REJECTED')
  t.match(error.detail, /context window/u)
})

t.test('401 fails at once with PROVIDER_AUTH_FAILED and the key is never logged', async (t) => {
  // OpenAI quotes the key it refused; a careless server may quote all of it.
  const server = await startChatServer(t, () =>
    apiError(401, {
      message: `Incorrect API key provided: ${testKey}.`,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    }),
  )
  const { logger, lines } = capturedLogger()

  const error = await failureOf(t, engineFor(server).summarize(lecture, { logger }))

  t.equal(error.code, 'PROVIDER_AUTH_FAILED')
  t.equal(error.retryable, false)
  t.match(error.detail, /HTTP 401.*OPENAI_SUMMARY_API_KEY/u)
  t.equal(server.requests.length, 1, 'never retried')
  t.ok(lines.length > 0, 'the refusal is logged')
  t.notMatch(lines.join(''), testKey, 'the log never holds the key')
  t.notMatch(`${error.message} ${error.detail}`, testKey, 'nor does the error')
})

t.test('another 4xx (an unknown model) fails at once with its provider code', async (t) => {
  const server = await startChatServer(t, () =>
    apiError(404, {
      message: `The model test-model does not exist (key ${testKey})`,
      type: 'invalid_request_error',
      code: 'model_not_found',
    }),
  )
  const { logger, lines } = capturedLogger()

  const error = await failureOf(t, engineFor(server).summarize(lecture, { logger }))

  t.equal(error.code, 'PROVIDER_REQUEST_REJECTED')
  t.match(error.detail, /HTTP 404 \(model_not_found\)/u)
  t.match(lines.join(''), /does not exist \(key \[redacted\]\)/u, 'the message, key cut out')
  t.notMatch(lines.join(''), testKey)
})
