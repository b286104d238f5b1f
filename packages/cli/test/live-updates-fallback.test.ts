import { writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import t, { type Test } from 'tap'
import { tella } from './support/run-tella.ts'

// jobs-api as it answers today has the event stream and no transcript route; these cases need
// the other answers (no stream, a stream that drops, a transcript route, a proxy's page), so
// a loopback server speaks them.

type Mode = 'no-stream' | 'stream-drops'

interface FakeApi {
  url: string
  uploads: string[]
  close(): Promise<void>
}

const now = new Date().toISOString()
const job = (fields: Record<string, unknown>) => ({
  id: 'job_fake1',
  title: 'Processing: talk.wav',
  status: 'PENDING',
  progress: 0,
  source: 'UPLOAD',
  stage: 'download',
  errorMessage: null,
  errorCode: null,
  userId: 'user_fake',
  noteId: null,
  courseId: null,
  createdAt: now,
  updatedAt: now,
  completedAt: null,
  note: null,
  ...fields,
})
const note = {
  id: 'note_fake1',
  title: 'A talk',
  status: 'COMPLETED',
  duration: 2,
  fileSize: 10,
  mimeType: 'audio/wav',
  summary: 'A short talk.',
  date: null,
  createdAt: now,
  updatedAt: now,
  course: null,
  jobId: 'job_fake1',
  keyPoints: [],
  transcript: { text: 'hello', segments: [{ start: 0, end: 1, text: 'hello' }], empty: false },
}

async function fakeApi(t: Test, mode: Mode): Promise<FakeApi> {
  const uploads: string[] = []
  const polled = [job({ status: 'IN_PROGRESS', progress: 60, stage: 'transcribe' })]
  const finished = job({ status: 'COMPLETED', progress: 100, stage: 'note', noteId: note.id })
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }

  const server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method === 'POST' && url.pathname === '/api/imports/upload') {
      let body = ''
      for await (const chunk of req) body += chunk
      uploads.push(body)
      return send(res, 202, { success: true, data: job({}) })
    }
    if (url.pathname === '/api/jobs/job_fake1/events') {
      if (mode === 'no-stream') {
        return send(res, 404, { success: false, error: 'Route not found', code: 'ROUTE_NOT_FOUND' })
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const update = job({ status: 'IN_PROGRESS', progress: 30, stage: 'transcribe' })
      res.write(`event: status\ndata: ${JSON.stringify(update)}\n\n`)
      setTimeout(() => res.destroy(), 100)
      return
    }
    if (url.pathname === '/api/jobs/job_fake1') {
      return send(res, 200, { success: true, data: polled.shift() ?? finished })
    }
    if (url.pathname === '/api/notes/note_fake1/transcript') {
      res.writeHead(200, { 'content-type': 'text/vtt; charset=utf-8' })
      return res.end('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nformatted by the server\n')
    }
    if (url.pathname === '/api/notes/note_fake1')
      return send(res, 200, { success: true, data: note })
    res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  t.teardown(close)
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, uploads, close }
}

async function recording(t: Test): Promise<string> {
  const file = path.join(t.testdir(), 'talk.wav')
  await writeFile(file, 'RIFF-and-some-bytes')
  return file
}

t.test('without the event stream route, import polls the job to its note', async (t) => {
  const api = await fakeApi(t, 'no-stream')
  const result = await tella(['import', await recording(t), '--title', 'A talk'], {
    TELLA_API_URL: api.url,
    TELLA_TOKEN: 'token',
  })
  t.equal(result.code, 0, result.stderr)
  t.match(
    result.stderr,
    /no live updates \(this jobs-api has no job event stream\); polling instead/,
  )
  t.match(result.stdout, /^progress +60% +transcribing$/mu)
  t.match(result.stdout, /^progress +100% +completed$/mu)
  t.match(result.stdout, /^Note note_fake1: A talk$/mu)

  const [upload = ''] = api.uploads
  t.match(upload, /name="title"\r\n\r\nA talk\r\n/, 'the title travels as a form field')
  t.match(upload, /name="file"; filename="talk.wav"[\s\S]*RIFF-and-some-bytes/, 'with the file')
})

t.test('when the event stream drops mid-job, import carries on by polling', async (t) => {
  const api = await fakeApi(t, 'stream-drops')
  const result = await tella(['import', await recording(t)], {
    TELLA_API_URL: api.url,
    TELLA_TOKEN: 'token',
  })
  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /^progress +30% +transcribing$/mu, 'the streamed update was shown')
  t.match(result.stderr, /polling instead/)
  t.match(result.stdout, /^progress +100% +completed$/mu)
})

t.test('note --format prints the document of a server that formats transcripts', async (t) => {
  const api = await fakeApi(t, 'no-stream')
  const result = await tella(['note', 'note_fake1', '--format', 'vtt'], {
    TELLA_API_URL: api.url,
    TELLA_TOKEN: 'token',
  })
  t.equal(result.code, 0, result.stderr)
  t.equal(result.stdout, 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nformatted by the server\n')
})

t.test('an answer that is not the Jobs API (a proxy error page) exits 3', async (t) => {
  const api = await fakeApi(t, 'no-stream')
  const result = await tella(['jobs'], { TELLA_API_URL: api.url, TELLA_TOKEN: 'token' })
  t.equal(result.code, 3)
  t.match(result.stderr, /answered HTTP 502 with something other than the Jobs API/)
})
