import { CodedError } from '@tella/contracts'
import type OpenAI from 'openai'
import type { Logger } from 'pino'
import type { Summary } from '../engines/engine.ts'
import { type ChatPolicy, completeChat } from './chat-call.ts'
import { type ChatMessages, estimateMessages } from './prompts.ts'
import { parseSummaryReply } from './summary-reply.ts'

export interface SummaryRequestPolicy extends ChatPolicy {
  /** Estimated tokens one request may use, its messages and its longest answer together. */
  tokenBudget: number
  /** Further requests after a reply that holds no JSON summary. */
  parseRetries: number
}

/**
 * Asks the chat model for a summary and reads it. A reply without the JSON asked for is
 * usually a one-off (the model chatted, or was cut short), so it is asked again a few times;
 * after that the stage fails with `SUMMARY_FAILED`, which no redelivery would cure either.
 *
 * @example
 * const summary = await requestSummary(client, policy, mapMessages(chunk, 2, 5), signal, log)
 */
export async function requestSummary(
  client: OpenAI,
  policy: SummaryRequestPolicy,
  messages: ChatMessages,
  signal: AbortSignal | undefined,
  logger: Logger,
): Promise<Summary> {
  assertWithinBudget(policy, messages)

  const attempts = policy.parseRetries + 1
  let lastFinish: string | undefined
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const reply = await completeChat(client, policy, messages, signal, logger)
    const summary = parseSummaryReply(reply.content)
    if (summary) return summary

    lastFinish = reply.finishReason
    logger.warn(
      { attempt, finishReason: reply.finishReason, replyChars: reply.content?.length ?? 0 },
      'summary reply held no JSON summary',
    )
  }

  const cut = lastFinish === 'length' ? '; it was cut at OPENAI_SUMMARY_MAX_OUTPUT_TOKENS' : ''
  throw new CodedError('SUMMARY_FAILED', {
    detail: `the provider's reply held no JSON summary after ${attempts} attempts${cut}`,
  })
}

/**
 * The map-reduce plan keeps every request within the budget; this guard turns a planning
 * mistake into a loud error instead of a request the provider might truncate on its own.
 */
function assertWithinBudget(policy: SummaryRequestPolicy, messages: ChatMessages) {
  const tokens = estimateMessages(messages) + policy.maxOutputTokens
  if (tokens > policy.tokenBudget) {
    throw new Error(`summary request of ~${tokens} tokens exceeds the ${policy.tokenBudget} budget`)
  }
}
