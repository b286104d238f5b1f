import { join } from 'node:path'
import t from 'tap'
import { silenceWav } from '../../support/audio.ts'
import {
  reply,
  spokenText,
  startTranscriptionServer,
  verboseSegment,
} from '../../support/transcription-server.ts'
import { openAiTranscriber, testApiKey, threeClips } from './openai-setup.ts'

t.test('verbose_json segments come back at their clip’s place in the recording', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav, placements } = await threeClips(t.testdir())

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(server.requests.length, 3, 'one request per chunk')
  for (const request of server.requests) {
    t.equal(request.path, '/v1/audio/transcriptions')
    t.equal(request.authorization, `Bearer ${testApiKey}`)
    t.match(request.contentType, /^multipart\/form-data; boundary=/)
    t.same(request.fields.model, ['whisper-1'])
    t.same(request.fields.response_format, ['verbose_json'])
    t.same(request.fields['timestamp_granularities[]'], ['segment'])
    t.match(request.file?.name, /\.wav$/)
    t.equal(request.file?.bytes.subarray(0, 4).toString('ascii'), 'RIFF', 'a WAV is uploaded')
    t.ok(request.audioSec > 2.5 && request.audioSec < 12, `chunk of ${request.audioSec} s`)
  }

  t.equal(transcript.segments.length, 3)
  for (const [index, placement] of placements.entries()) {
    const segment = transcript.segments[index]
    t.ok(segment, `a segment for clip ${index}`)
    if (!segment) continue
    t.ok(Math.abs(segment.start - placement.start) < 1, `${segment.start} near ${placement.start}`)
    t.ok(Math.abs(segment.end - placement.end) < 1, `${segment.end} near ${placement.end}`)
  }
  const asked = server.requests.map((request) => spokenText(request)).sort()
  const got = transcript.segments.map((segment) => segment.text).sort()
  t.same(got, asked, 'each chunk’s answer, once')
})

t.test('segments decoded from silence and captions of sound are dropped', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.fallback = (request, response) =>
    reply.json(200, {
      text: 'ignored',
      segments: [
        verboseSegment(0, 0, 1, '[Music]'),
        verboseSegment(1, 1, 2, spokenText(request)),
        {
          ...verboseSegment(2, 2, 3, 'Thank you for watching.'),
          no_speech_prob: 0.93,
          avg_logprob: -1.4,
        },
        verboseSegment(3, 3, 4, '♪ ♪'),
        verboseSegment(4, 4, 4.5, '(applause)'),
      ],
    })(request, response)

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(transcript.segments.length, 3, 'one segment of speech per chunk, nothing else')
  t.notMatch(transcript.text, /Music|Thank you|♪|applause/)
})

t.test('a text-only answer gets times spread over the sound of its chunk', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav, placements } = await threeClips(t.testdir())
  server.fallback = (request, response) =>
    reply.json(200, { text: `${spokenText(request)} Then a second sentence followed!` })(
      request,
      response,
    )

  const transcript = await openAiTranscriber(server, { responseFormat: 'json' }).transcribe(wav, {})

  for (const request of server.requests) {
    t.same(request.fields.response_format, ['json'])
    t.notOk(request.fields['timestamp_granularities[]'], 'no timestamps asked of a json model')
  }
  t.equal(transcript.segments.length, 6, 'one segment per sentence')
  let previousEnd = 0
  for (const [index, segment] of transcript.segments.entries()) {
    const placement = placements[Math.floor(index / 2)] as { start: number; end: number }
    t.ok(segment.start >= previousEnd, 'segments follow each other')
    t.ok(segment.start >= placement.start - 1 && segment.end <= placement.end + 1, 'in its clip')
    previousEnd = segment.end
  }
})

t.test('a server answering plain text to verbose_json still gives timed segments', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav, placements } = await threeClips(t.testdir())
  server.fallback = (request, response) => reply.text(spokenText(request))(request, response)

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.equal(transcript.segments.length, 3)
  const first = transcript.segments[0]
  t.ok(first && Math.abs(first.start - (placements[0]?.start ?? 0)) < 1, 'starts with the sound')
  const answers = server.requests.map((request) => spokenText(request))
  t.ok(first && answers.includes(first.text), 'the text is the answer, whole')
})

t.test('a model that refuses verbose_json is asked for json from then on', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  server.respond(
    reply.error(
      400,
      "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe'",
    ),
  )
  server.fallback = (request, response) =>
    reply.json(200, { text: spokenText(request) })(request, response)

  const transcriber = openAiTranscriber(server, { model: 'gpt-4o-transcribe' }, { concurrency: 1 })
  const transcript = await transcriber.transcribe(wav, {})

  const formats = server.requests.map((request) => request.fields.response_format?.[0])
  t.same(formats, ['verbose_json', 'json', 'json', 'json'])
  t.equal(transcript.segments.length, 3)
})

t.test('no more requests are in flight than the concurrency allows', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const { wav } = await threeClips(t.testdir())
  let inFlight = 0
  let most = 0
  server.fallback = async (request, response) => {
    inFlight += 1
    most = Math.max(most, inFlight)
    await reply.after(300, reply.verboseJson())(request, response)
    inFlight -= 1
  }

  const progress: number[] = []
  await openAiTranscriber(server, {}, { concurrency: 2 }).transcribe(wav, {
    onProgress: (fraction) => progress.push(fraction),
  })

  t.equal(server.requests.length, 3)
  t.equal(most, 2, 'two at once, never three')
  t.same(
    progress,
    [...progress].sort((a, b) => a - b),
    'progress never goes backwards',
  )
  t.ok(progress.length >= 4, `progress moved chunk by chunk: ${progress.join(', ')}`)
  t.equal(progress.at(-1), 1)
})

t.test('silence alone sends nothing and gives an empty transcript', async (t) => {
  const server = await startTranscriptionServer()
  t.teardown(() => server.close())
  const wav = await silenceWav(join(t.testdir(), 'silence.wav'), 8)

  const transcript = await openAiTranscriber(server).transcribe(wav, {})

  t.same(transcript, { text: '', segments: [] })
  t.equal(server.requests.length, 0, 'no chunk has sound, so no request is made')
})
