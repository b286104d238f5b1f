import type { SummarizerSettings } from '../settings.ts'
import type { SummaryEngine } from './engine.ts'
import { createExtractiveEngine } from './extractive.ts'
import { createOpenAiChatEngine } from './openai-chat.ts'

/**
 * The engine the settings choose. Settings were checked at start, so the openai provider
 * always has its key and model here.
 *
 * @example
 * const engine = createSummaryEngine(loadSummarizerSettings())
 */
export function createSummaryEngine(settings: SummarizerSettings): SummaryEngine {
  if (settings.SUMMARY_PROVIDER === 'extractive') {
    return createExtractiveEngine({ maxSentences: settings.SUMMARY_MAX_SENTENCES })
  }
  return createOpenAiChatEngine({
    baseURL: settings.OPENAI_SUMMARY_BASE_URL,
    apiKey: settings.OPENAI_SUMMARY_API_KEY ?? '',
    model: settings.OPENAI_SUMMARY_MODEL ?? '',
    timeoutMs: settings.OPENAI_SUMMARY_TIMEOUT_MS,
    tokenBudget: settings.OPENAI_SUMMARY_TOKEN_BUDGET,
    maxOutputTokens: settings.OPENAI_SUMMARY_MAX_OUTPUT_TOKENS,
    maxRetries: settings.OPENAI_SUMMARY_MAX_RETRIES,
    concurrency: settings.OPENAI_SUMMARY_CONCURRENCY,
    jsonMode: settings.OPENAI_SUMMARY_JSON_MODE,
  })
}

/** What the start-up log says about the engine: never the key, nor credentials in the URL. */
export function describeEngine(settings: SummarizerSettings): Record<string, unknown> {
  if (settings.SUMMARY_PROVIDER === 'extractive') return { provider: 'extractive' }
  const url = new URL(settings.OPENAI_SUMMARY_BASE_URL)
  return {
    provider: 'openai',
    baseURL: `${url.origin}${url.pathname}`,
    model: settings.OPENAI_SUMMARY_MODEL,
    tokenBudget: settings.OPENAI_SUMMARY_TOKEN_BUDGET,
    concurrency: settings.OPENAI_SUMMARY_CONCURRENCY,
  }
}
