import path from 'node:path'
import t from 'tap'
import {
  reply,
  startTranscriptionServer,
} from '../../services/transcriber/test/support/transcription-server.ts'
import { librivoxClips, startStack } from '../support/index.ts'
import { buildLecture } from '../support/lecture.ts'
import { importRecording } from '../support/recording-upload.ts'

const apiKey = 'sk-e2e-LOOPBACK-0123456789abcdefghij'

t.test('with TRANSCRIBE_PROVIDER=openai an upload is transcribed by the server', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const stack = await startStack({
    env: {
      TRANSCRIBE_PROVIDER: 'openai',
      OPENAI_TRANSCRIBE_BASE_URL: server.baseURL,
      OPENAI_TRANSCRIBE_API_KEY: apiKey,
      OPENAI_TRANSCRIBE_MODEL: 'whisper-large-v3',
      OPENAI_TRANSCRIBE_MAX_CHUNK_SEC: '20',
      OPENAI_TRANSCRIBE_TIMEOUT_MS: '10000',
    },
  })
  t.teardown(() => stack.stop())
  const wav = path.join(t.testdir(), 'lecture.wav')
  const lecture = await buildLecture(await librivoxClips(), wav, 40)

  server.respond(reply.error(429, 'Rate limit reached', { 'retry-after': '1' }))
  const done = await importRecording(stack.baseUrl, 'user_cloud', wav, 'Cloud', 120_000)

  t.equal(done.history.at(-1)?.status, 'COMPLETED', 'the job completed')
  const chunks = Math.ceil(lecture.durationSec / 20)
  t.ok(server.requests.length > chunks, `${server.requests.length} requests: a retry included`)
  t.ok(
    server.requests.every((request) => request.authorization === `Bearer ${apiKey}`),
    'every request carries the key',
  )
  t.same(
    [...new Set(server.requests.map((request) => request.fields.model?.[0]))],
    ['whisper-large-v3'],
  )
  const segments = done.note?.transcript.segments ?? []
  t.ok(segments.length >= chunks - 1, `${segments.length} segments`)
  t.ok(
    segments.every((segment) => segment.end <= lecture.durationSec + 0.01),
    'times lie within the recording',
  )
  t.match(stack.services.transcriber.logs, /chunk failed transiently, retrying it alone/)

  server.fallback = reply.error(401, `Incorrect API key provided: ${apiKey}`)
  const refused = await importRecording(stack.baseUrl, 'user_cloud', wav, 'Refused', 60_000)

  const failed = refused.history.at(-1)
  t.equal(failed?.status, 'FAILED')
  t.equal(failed?.errorCode, 'PROVIDER_AUTH_FAILED')
  t.notMatch(failed?.errorMessage ?? '', apiKey, 'the key is not in the job')
  t.notMatch(stack.services.transcriber.logs, apiKey, 'the key is never logged')
})
