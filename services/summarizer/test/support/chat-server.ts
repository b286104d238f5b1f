import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

/**
 * A loopback server that speaks OpenAI's `POST /v1/chat/completions` closely enough for the
 * real `openai` SDK: the same JSON shapes for answers and errors, headers such as
 * `Retry-After`, and the failure modes a real server has (slow answers, dropped connections).
 * Each test scripts the answers; the server records every request it was sent.
 */

export interface ChatMessage {
  role: string
  content: string
}

export interface ChatRequestBody {
  model: string
  messages: ChatMessage[]
  max_completion_tokens?: number
  response_format?: { type: string }
}

export interface RecordedRequest {
  body: ChatRequestBody
  headers: IncomingHttpHeaders
  /** `performance.now()` when the request had been read. */
  at: number
  /** Resolves when the client closed the connection before an answer was written. */
  abandoned: Promise<void>
}

export type Answer =
  | { kind: 'reply'; content: string; finishReason?: string; delayMs?: number }
  | { kind: 'error'; status: number; error: ApiErrorBody; headers?: Record<string, string> }
  /** Destroys the socket without an answer, as a crashed proxy does. */
  | { kind: 'reset' }
  /** Never answers; only the client can end the request. */
  | { kind: 'hang' }

export interface ApiErrorBody {
  message: string
  type: string
  code: string | null
  param?: string | null
}

export type Script = (request: RecordedRequest, index: number) => Answer

export interface ChatServer {
  /** What the SDK takes as `baseURL`. */
  baseURL: string
  requests: RecordedRequest[]
  /** Most requests the server held at once. */
  maxInFlight: number
  /** Resolves when the server has received `count` requests. */
  received(count: number): Promise<void>
}

/** A completion answer whose content is `content`, shaped as OpenAI sends it. */
export function reply(content: string, delayMs = 0): Answer {
  return { kind: 'reply', content, delayMs }
}

/** An answer holding the JSON summary the engine asks for. */
export function summaryReply(summary: string, keyPoints: string[] = []): Answer {
  return reply(JSON.stringify({ summary, keyPoints }))
}

export function apiError(
  status: number,
  error: ApiErrorBody,
  headers: Record<string, string> = {},
): Answer {
  return { kind: 'error', status, error, headers }
}

/**
 * Starts the server on a random loopback port; it is closed, with every connection, when the
 * test ends.
 */
export async function startChatServer(t: Test, script: Script): Promise<ChatServer> {
  const requests: RecordedRequest[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  let inFlight = 0
  const state: ChatServer = { baseURL: '', requests, maxInFlight: 0, received }

  function received(count: number): Promise<void> {
    if (requests.length >= count) return Promise.resolve()
    return new Promise((resolve) => waiters.push({ count, resolve }))
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }))
      return
    }

    inFlight += 1
    state.maxInFlight = Math.max(state.maxInFlight, inFlight)
    const abandoned = new Promise<void>((resolve) => {
      res.on('close', () => {
        inFlight -= 1
        if (!res.writableFinished) resolve()
      })
    })
    const request: RecordedRequest = {
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody,
      headers: req.headers,
      at: performance.now(),
      abandoned,
    }
    requests.push(request)
    for (const waiter of waiters.filter((entry) => requests.length >= entry.count)) {
      waiter.resolve()
    }

    const answer = script(request, requests.length - 1)
    await answerWith(answer, request, res)
  })

  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  state.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  t.teardown(async () => {
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  })
  return state
}

async function answerWith(
  answer: Answer,
  request: RecordedRequest,
  res: ServerResponse,
): Promise<void> {
  if (answer.kind === 'hang') return
  if (answer.kind === 'reset') {
    res.socket?.destroy()
    return
  }
  if (answer.kind === 'error') {
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    res.end(JSON.stringify({ error: { param: null, ...answer.error } }))
    return
  }

  if (answer.delayMs) {
    const gone = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), answer.delayMs)
      request.abandoned.then(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    if (gone) return
  }
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_test' })
  res.end(JSON.stringify(completion(request.body.model, answer)))
}

function completion(model: string, answer: { content: string; finishReason?: string }) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, refusal: null },
        logprobs: null,
        finish_reason: answer.finishReason ?? 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  }
}
