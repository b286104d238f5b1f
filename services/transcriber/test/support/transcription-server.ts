import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** One request as the server understood it, multipart fields parsed. */
export interface ReceivedRequest {
  method: string
  path: string
  authorization: string | undefined
  contentType: string
  fields: Record<string, string[]>
  file: { name: string; type: string; bytes: Buffer } | undefined
  /** Seconds of audio in the uploaded WAV, from its data size. */
  audioSec: number
  receivedAt: number
  /** Resolves when the client closed the connection before the answer ended. */
  aborted: Promise<void>
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>

export interface TranscriptionServer {
  /** Base URL as the SDK takes it, ending in `/v1`. */
  baseURL: string
  readonly requests: ReceivedRequest[]
  /** Queues handlers for the next requests, in order; `fallback` answers once they run out. */
  respond(...handlers: Handler[]): void
  fallback: Handler
  close(): Promise<void>
}

/**
 * A loopback server that speaks OpenAI's `POST /v1/audio/transcriptions`: it reads the
 * multipart body with the platform's own parser (undici's `Request.formData`), records what
 * it got, and answers as each test scripts it, so the real SDK client runs against it.
 */
export async function startTranscriptionServer(): Promise<TranscriptionServer> {
  const requests: ReceivedRequest[] = []
  const queued: Handler[] = []
  const sockets = new Set<Socket>()
  const state = { fallback: reply.verboseJson() as Handler }

  const server = createServer(async (incoming, response) => {
    if (incoming.method !== 'POST' || incoming.url !== '/v1/audio/transcriptions') {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { message: `no route ${incoming.url}` } }))
      return
    }
    // A client that gives up mid-upload (a cancelled job, a failed sibling chunk) makes the
    // body read fail; such a request never reached the API, so it is not recorded.
    const request = await readRequest(incoming, response).catch(() => undefined)
    if (!request) return
    requests.push(request)
    const handler = queued.shift() ?? state.fallback
    await handler(request, response)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respond: (...handlers) => queued.push(...handlers),
    get fallback() {
      return state.fallback
    },
    set fallback(handler: Handler) {
      state.fallback = handler
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

async function readRequest(
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<ReceivedRequest> {
  const aborted = new Promise<void>((resolve) => {
    response.once('close', () => {
      if (!response.writableFinished) resolve()
    })
  })
  const chunks: Buffer[] = []
  for await (const chunk of incoming) chunks.push(chunk as Buffer)
  const contentType = incoming.headers['content-type'] ?? ''
  const form = await new Request('http://loopback/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Buffer.concat(chunks),
  }).formData()

  const fields: Record<string, string[]> = {}
  let file: ReceivedRequest['file']
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = [...(fields[name] ?? []), value]
    else
      file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) }
  }
  const dataBytes = file && file.bytes.length > 44 ? file.bytes.readUInt32LE(40) : 0
  return {
    method: incoming.method ?? '',
    path: incoming.url ?? '',
    authorization: incoming.headers.authorization,
    contentType,
    fields,
    file,
    audioSec: dataBytes / 32_000,
    receivedAt: Date.now(),
    aborted,
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

/** Ready-made answers, each shaped like the real API's. */
export const reply = {
  /**
   * `verbose_json` with one segment over the audio, as Whisper answers. The text names the
   * length of the audio, so each chunk's answer differs and none reads as a repeated line.
   */
  verboseJson(): Handler {
    return (request, response) => {
      const end = Math.max(0.2, request.audioSec - 0.1)
      const text = spokenText(request)
      sendJson(response, 200, {
        task: 'transcribe',
        language: 'english',
        duration: request.audioSec,
        text,
        segments: [verboseSegment(0, 0.1, end, text)],
      })
    }
  },
  json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
    return (_request, response) => sendJson(response, status, body, headers)
  },
  text(body: string): Handler {
    return (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(body)
    }
  },
  /** An OpenAI-style error body: `{ error: { message, type, code } }`. */
  error(status: number, message: string, headers: Record<string, string> = {}, code?: string) {
    const body = { error: { message, type: 'invalid_request_error', param: null, code } }
    return reply.json(status, body, headers)
  },
  after(ms: number, handler: Handler): Handler {
    return async (request, response) => {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), request.aborted])
      if (!response.destroyed) await handler(request, response)
    }
  },
  /** Sends status and headers, then nothing more until the client gives up. */
  headersThenStall(): Handler {
    return (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"text": "')
    }
  },
  /** Drops the connection without an answer, as a crashing proxy does. */
  reset(): Handler {
    return (_request, response) => {
      response.socket?.destroy()
    }
  },
}

/** A sentence of a dozen words that differs with the length of the audio it is for. */
export function spokenText(request: ReceivedRequest): string {
  return `The lecturer spoke for ${request.audioSec.toFixed(2)} seconds about the first chapter.`
}

export function verboseSegment(id: number, start: number, end: number, text: string) {
  return {
    id,
    seek: 0,
    start,
    end,
    text: ` ${text}`,
    tokens: [50364, 257, 50414],
    temperature: 0,
    avg_logprob: -0.2,
    compression_ratio: 1.2,
    no_speech_prob: 0.01,
  }
}
