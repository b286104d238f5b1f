import { Writable } from 'node:stream'
import { type Logger, pino } from 'pino'
import type { SummaryEngine, SummaryInput } from '../../src/engines/engine.ts'
import {
  createOpenAiChatEngine,
  type OpenAiChatEngineOptions,
} from '../../src/engines/openai-chat.ts'
import type { ChatRequestBody, ChatServer, RecordedRequest } from './chat-server.ts'

/** A key shaped like a real one, so a leak into logs or errors would be found by search. */
export const testKey = 'sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0'

/**
 * The engine under test, pointed at a loopback server, with backoff short enough for tests
 * and every other option at its production default unless a test says otherwise.
 */
export function engineFor(
  server: ChatServer,
  overrides: Partial<OpenAiChatEngineOptions> = {},
): SummaryEngine {
  return createOpenAiChatEngine({
    baseURL: server.baseURL,
    apiKey: testKey,
    model: 'test-model',
    retryBaseMs: 10,
    ...overrides,
  })
}

/** A logger whose every line is kept, so tests can read what the engine logged. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: pino({ level: 'debug' }, sink), lines }
}

/** A transcript with one segment per text, five seconds apart. */
export function transcriptOf(texts: readonly string[]): SummaryInput {
  return {
    text: texts.join(' '),
    segments: texts.map((text, index) => ({ start: index * 5, end: index * 5 + 4, text })),
  }
}

export function systemOf(body: ChatRequestBody): string {
  return body.messages.find((message) => message.role === 'system')?.content ?? ''
}

export function userOf(body: ChatRequestBody): string {
  return body.messages.find((message) => message.role === 'user')?.content ?? ''
}

export function isMapRequest(request: RecordedRequest, opening: string): boolean {
  return systemOf(request.body).startsWith(opening)
}
