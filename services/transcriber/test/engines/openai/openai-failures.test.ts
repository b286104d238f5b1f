import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { reply, startTranscriptionServer } from '../../support/transcription-server.ts'
import { oneClip, openAiTranscriber, testApiKey, threeClips } from './openai-setup.ts'

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  )
}

t.test('429 with Retry-After is waited out and only that chunk is sent again', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.respond(reply.error(429, 'Rate limit reached for requests', { 'retry-after': '1' }))

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(server.requests.length, 4, 'three chunks and one retry')
  const [refused] = server.requests
  const again = server.requests.filter(
    (r) => refused?.file && r.file?.bytes.equals(refused.file.bytes),
  )
  t.equal(again.length, 2, 'the refused chunk, and no other, was sent twice')
  const waited = (again[1]?.receivedAt ?? 0) - (refused?.receivedAt ?? 0)
  t.ok(waited >= 1000, `waited ${waited} ms, as Retry-After: 1 asked`)
  t.equal(transcript.segments.length, 3, 'every chunk is in the transcript')
})

t.test('a 500 is retried after a backoff and the transcript completes', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.respond(reply.error(500, 'The server had an error while processing your request'))

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(server.requests.length, 4)
  t.equal(transcript.segments.length, 3)
})

t.test('a connection dropped without an answer is retried', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.respond(reply.reset())

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(server.requests.length, 2)
  t.equal(transcript.segments.length, 1)
})

t.test('an answer slower than the timeout is retried, then fails NETWORK_TIMEOUT', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.after(10_000, reply.verboseJson())

  const started = performance.now()
  const transcriber = openAiTranscriber(server, { timeoutMs: 400 })
  const error = await failure(transcriber.transcribe(wav, {}))
  const elapsed = performance.now() - started

  t.ok(isCodedError(error) && error.code === 'NETWORK_TIMEOUT', `NETWORK_TIMEOUT: ${error}`)
  t.ok(isCodedError(error) && error.retryable, 'the stage may try again later')
  t.equal(server.requests.length, 3, 'every attempt was made')
  t.ok(elapsed < 5_000, `gave up after ${Math.round(elapsed)} ms, not the server's 10 s`)
  for (const request of server.requests) await request.aborted
  t.pass('the server saw every slow request abandoned')
})

t.test('headers followed by a stalled body also end in NETWORK_TIMEOUT', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.headersThenStall()

  const transcriber = openAiTranscriber(server, { timeoutMs: 400 }, { retry: undefined })
  const error = await failure(transcriber.transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'NETWORK_TIMEOUT', `NETWORK_TIMEOUT: ${error}`)
  t.equal(server.requests.length, 1, 'no retries were configured')
})

t.test('413 is permanent: one request, and the error names the chunk size setting', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.error(413, 'Maximum content size limit (26214400) exceeded')

  const error = await failure(openAiTranscriber(server).transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'PROVIDER_REQUEST_REJECTED', `${error}`)
  t.ok(isCodedError(error) && !error.retryable)
  t.match(isCodedError(error) ? error.detail : '', /413.*OPENAI_TRANSCRIBE_MAX_CHUNK_BYTES/)
  t.equal(server.requests.length, 1)
})

t.test('a 429 for an exhausted quota is permanent, not waited out', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.error(429, 'You exceeded your current quota', {}, 'insufficient_quota')

  const error = await failure(openAiTranscriber(server).transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'PROVIDER_REQUEST_REJECTED', `${error}`)
  t.equal(server.requests.length, 1)
})

t.test('401 is permanent and the key never appears in the error', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.error(401, `Incorrect API key provided: ${testApiKey}.`)

  const error = await failure(openAiTranscriber(server).transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'PROVIDER_AUTH_FAILED', `${error}`)
  t.equal(server.requests.length, 1)
  const everything = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`
  const detail = isCodedError(error) ? (error.detail ?? '') : ''
  t.notMatch(`${everything} ${detail}`, testApiKey, 'the key is not in the error')
  t.match(detail, /Incorrect API key provided: \[redacted\]/, 'the reason stays readable')
  t.notOk((error as Error).cause, 'the SDK error, which may hold more, is not attached')
})

t.test('a Retry-After beyond the limit fails the chunk at once with RATE_LIMITED', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await oneClip(t.testdir())
  server.fallback = reply.error(429, 'Slow down', { 'retry-after': '120' })

  const started = performance.now()
  const error = await failure(openAiTranscriber(server).transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'RATE_LIMITED', `${error}`)
  t.ok(isCodedError(error) && error.retryable, 'the stage is redelivered later instead')
  t.equal(server.requests.length, 1)
  t.ok(performance.now() - started < 3_000, 'no two-minute wait inside the stage')
})

t.test('cancelling stops the requests in flight and sends no more', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.fallback = reply.after(10_000, reply.verboseJson())
  const controller = new AbortController()

  const transcribing = openAiTranscriber(server).transcribe(wav, { signal: controller.signal })
  while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
  const abortedAt = performance.now()
  controller.abort()
  const error = await failure(transcribing)

  t.ok(isCodedError(error) && error.code === 'CANCELLED', `${error}`)
  t.ok(performance.now() - abortedAt < 1_000, 'stopped at once')
  await Promise.all(server.requests.map((request) => request.aborted))
  t.pass('both requests in flight were abandoned')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(server.requests.length, 2, 'the third chunk was never sent')
})

t.test('a chunk that fails for good stops the chunks still in flight', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.respond(reply.after(200, reply.error(400, 'Invalid file format.')))
  server.fallback = reply.after(10_000, reply.verboseJson())

  const started = performance.now()
  const error = await failure(openAiTranscriber(server).transcribe(wav, {}))

  t.ok(isCodedError(error) && error.code === 'PROVIDER_REQUEST_REJECTED', `the cause: ${error}`)
  t.ok(performance.now() - started < 3_000, 'the slow sibling was not waited for')
  await server.requests[1]?.aborted
  t.pass('the sibling request was abandoned')
  t.equal(server.requests.length, 2, 'the third chunk was never sent')
})
