import { setTimeout as sleep } from 'node:timers/promises'
import { CodedError } from '@tella/contracts'
import type OpenAI from 'openai'
import type { Logger } from 'pino'
import type { ChatMessages } from './prompts.ts'
import { classifyProviderError, type ProviderFailure } from './provider-errors.ts'

/** How one chat request is made and retried. */
export interface ChatPolicy {
  model: string
  /** Only to keep the key out of logged provider messages. */
  apiKey: string
  /** Deadline of one attempt, from sending to the last byte of the answer. */
  timeoutMs: number
  /** Longest answer asked for, in tokens; part of every request's budget. */
  maxOutputTokens: number
  /** Further attempts after a transient failure. */
  maxRetries: number
  /** Sends `response_format: json_object`; off for servers that refuse the field. */
  jsonMode: boolean
  /** First backoff step; doubled per attempt, with jitter. */
  retryBaseMs: number
  /** Longest single wait, for backoff and for a server's `Retry-After` alike. */
  maxRetryWaitMs: number
}

export interface ChatReply {
  content: string | null
  finishReason: string | undefined
}

/**
 * One chat completion, retried in process while the failure is transient. When retries run
 * out the failure becomes a retryable `NETWORK_TIMEOUT`, so the stage runner tries the whole
 * stage again later with its own, longer backoff. Aborting `signal` stops the request in
 * flight (the SDK closes the connection) and any wait between attempts.
 *
 * @example
 * const reply = await completeChat(client, policy, mapMessages(chunk, 1, 1), signal, log)
 */
export async function completeChat(
  client: OpenAI,
  policy: ChatPolicy,
  messages: ChatMessages,
  signal: AbortSignal | undefined,
  logger: Logger,
): Promise<ChatReply> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptOnce(client, policy, messages, signal)
    if ('content' in outcome) return outcome

    if (outcome.kind === 'permanent') {
      logger.warn({ ...outcome.log, code: outcome.error.code }, 'summary provider refused')
      throw outcome.error
    }
    if (attempt > policy.maxRetries) {
      logger.warn({ ...outcome.log, attempt, reason: outcome.reason }, 'summary provider gave up')
      throw new CodedError('NETWORK_TIMEOUT', {
        detail: `summary provider: ${outcome.reason}, ${attempt} attempts`,
      })
    }

    const waitMs = retryWait(policy, attempt, outcome.retryAfterMs)
    logger.warn(
      { ...outcome.log, attempt, waitMs, reason: outcome.reason },
      'summary request failed, retrying',
    )
    await sleep(waitMs, undefined, { signal }).catch(() => {
      throw new CodedError('CANCELLED')
    })
  }
}

async function attemptOnce(
  client: OpenAI,
  policy: ChatPolicy,
  messages: ChatMessages,
  signal: AbortSignal | undefined,
): Promise<ChatReply | ProviderFailure> {
  if (signal?.aborted) throw new CodedError('CANCELLED')

  // The SDK's own timeout stops at the response headers; this deadline also covers a body
  // that trickles in, and is told apart from the caller's cancel by which signal fired.
  const deadline = AbortSignal.timeout(policy.timeoutMs)
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline
  try {
    const completion = await client.chat.completions.create(requestBody(policy, messages), {
      signal: stop,
      timeout: policy.timeoutMs,
      maxRetries: 0,
    })
    const choice = completion.choices[0]
    return { content: choice?.message?.content ?? null, finishReason: choice?.finish_reason }
  } catch (error) {
    if (signal?.aborted) throw new CodedError('CANCELLED', { cause: error })
    if (deadline.aborted) {
      return { kind: 'transient', reason: 'request timed out', retryAfterMs: undefined, log: {} }
    }
    const failure = classifyProviderError(error, policy.apiKey)
    if (!failure) throw error
    return failure
  }
}

/**
 * Limitation: the answer is bounded with `max_completion_tokens`, OpenAI's current name; a
 * server that knows only the older `max_tokens` ignores it and answers at its own length,
 * which the token budget then does not cover.
 */
function requestBody(policy: ChatPolicy, messages: ChatMessages) {
  return {
    model: policy.model,
    messages: [
      { role: 'system' as const, content: messages.system },
      { role: 'user' as const, content: messages.user },
    ],
    max_completion_tokens: policy.maxOutputTokens,
    ...(policy.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
  }
}

/**
 * The server's `Retry-After` when it names one, else exponential backoff with jitter so that
 * replicas throttled together do not return together. Both are capped, so that one stage does
 * not sit on its leased command for minutes.
 *
 * Limitation: a server asking for a longer wait than `maxRetryWaitMs` is asked again sooner
 * than it wanted; if it refuses again, the stage runner's redelivery takes over.
 */
function retryWait(policy: ChatPolicy, attempt: number, retryAfterMs: number | undefined) {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryWaitMs)
  const backoff = policy.retryBaseMs * 2 ** (attempt - 1)
  return Math.round(Math.min(backoff, policy.maxRetryWaitMs) * (0.5 + Math.random() * 0.5))
}
