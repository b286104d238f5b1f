import OpenAI from 'openai'
import { pino } from 'pino'
import { instructionTokens } from '../chat/prompts.ts'
import { requestSummary, type SummaryRequestPolicy } from '../chat/summary-request.ts'
import { summarizeMapReduce } from '../map-reduce/map-reduce.ts'
import type { SummaryEngine } from './engine.ts'

export interface OpenAiChatEngineOptions {
  /** Root of the API, e.g. `https://api.openai.com/v1` or `http://vllm:8000/v1`. */
  baseURL: string
  apiKey: string
  model: string
  /** Deadline of one request attempt. */
  timeoutMs?: number
  /** Estimated tokens one request may use: instructions, material and answer together. */
  tokenBudget?: number
  /** Longest answer asked for, in tokens. */
  maxOutputTokens?: number
  /** Further attempts after a transient failure (429, 5xx, timeout, dropped connection). */
  maxRetries?: number
  /** Further attempts after a reply that holds no JSON summary. */
  parseRetries?: number
  /** Requests in flight at once while summarising the parts of a long transcript. */
  concurrency?: number
  /** Asks for `response_format: json_object`; off for servers that refuse the field. */
  jsonMode?: boolean
  /** First backoff step between attempts. */
  retryBaseMs?: number
  /** Longest wait between attempts, `Retry-After` included. */
  maxRetryWaitMs?: number
}

export const openAiChatDefaults = {
  timeoutMs: 60_000,
  tokenBudget: 8_000,
  maxOutputTokens: 800,
  maxRetries: 3,
  parseRetries: 2,
  concurrency: 2,
  jsonMode: true,
  retryBaseMs: 1_000,
  maxRetryWaitMs: 30_000,
}

/**
 * The smallest budget that still lets partial summaries be merged: room for the instructions,
 * the answer, and two earlier answers as material. An answer of `maxOutputTokens` real tokens
 * estimates at about 4/3 of that (see token-estimate.ts), so three answers' worth is kept.
 */
export function minimumTokenBudget(maxOutputTokens: number): number {
  return instructionTokens() + maxOutputTokens + 3 * maxOutputTokens
}

/**
 * A summary engine on any server that speaks OpenAI's `/v1/chat/completions`: OpenAI,
 * vLLM, llama.cpp's server, LocalAI, Ollama. Transcripts longer than one request's budget
 * are summarised map-reduce (see map-reduce.ts).
 *
 * The SDK's own retries are off: this engine retries itself, so it can log each retry with
 * the job's ids and hand an exhausted one to the stage runner as a coded error. The SDK reads
 * `OPENAI_*` variables from the environment when options are missing; every option it would
 * read is passed, so only this service's own settings apply.
 *
 * @example
 * const engine = createOpenAiChatEngine({ baseURL, apiKey, model: 'gpt-4o-mini' })
 * const { summary, keyPoints } = await engine.summarize(transcript, { signal, logger })
 */
export function createOpenAiChatEngine(options: OpenAiChatEngineOptions): SummaryEngine {
  const settings = { ...openAiChatDefaults, ...definedOnly(options) }
  const policy: SummaryRequestPolicy = {
    ...settings,
    model: options.model,
    apiKey: options.apiKey,
  }
  const minimum = minimumTokenBudget(policy.maxOutputTokens)
  if (policy.tokenBudget < minimum) {
    throw new RangeError(
      `openai chat engine option "tokenBudget" must be at least ${minimum} ` +
        `for maxOutputTokens ${policy.maxOutputTokens}, got ${policy.tokenBudget}`,
    )
  }
  const capacity = policy.tokenBudget - policy.maxOutputTokens - instructionTokens()

  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: policy.timeoutMs,
    // Its logs could carry request details; this engine logs what matters itself.
    logLevel: 'off',
  })
  const silent = pino({ enabled: false })

  return {
    name: 'openai',
    async summarize(input, { signal, onProgress, logger = silent }) {
      return summarizeMapReduce(input, {
        capacity,
        concurrency: settings.concurrency,
        signal,
        logger,
        onProgress: onProgress ?? (() => {}),
        request: (messages, requestSignal) =>
          requestSummary(client, policy, messages, requestSignal, logger),
      })
    },
  }
}

/** Options left `undefined` keep their defaults instead of overwriting them. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>
}
