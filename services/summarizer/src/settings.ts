import { ConfigError, loadWorkerSettings } from '@tella/platform'
import Type, { type Static } from 'typebox'
import { minimumTokenBudget, openAiChatDefaults } from './engines/openai-chat.ts'

const defaults = openAiChatDefaults

/**
 * The summarizer's own settings, on top of every worker's. The `OPENAI_SUMMARY_*` variables
 * are read only with `SUMMARY_PROVIDER=openai`; they are named apart from the transcriber's
 * so speech and summary can use different servers, keys and models.
 */
export const SummarizerSettings = Type.Object({
  LOG_LEVEL: Type.String({ default: 'info' }),
  /** `extractive` needs no network; `openai` is any OpenAI-compatible chat server. */
  SUMMARY_PROVIDER: Type.Enum(['extractive', 'openai'], { default: 'extractive' }),
  /** Sentences the extractive engine quotes. */
  SUMMARY_MAX_SENTENCES: Type.Integer({ minimum: 1, maximum: 50, default: 5 }),
  OPENAI_SUMMARY_BASE_URL: Type.String({ default: 'https://api.openai.com/v1' }),
  /** Required with the openai provider; any non-empty value for a server without keys. */
  OPENAI_SUMMARY_API_KEY: Type.Optional(Type.String()),
  /** Required with the openai provider: each server names its models its own way. */
  OPENAI_SUMMARY_MODEL: Type.Optional(Type.String()),
  OPENAI_SUMMARY_TIMEOUT_MS: Type.Integer({
    minimum: 1_000,
    maximum: 600_000,
    default: defaults.timeoutMs,
  }),
  /** Estimated tokens per request, answer included; at most the model's context window. */
  OPENAI_SUMMARY_TOKEN_BUDGET: Type.Integer({
    minimum: 1_000,
    maximum: 2_000_000,
    default: defaults.tokenBudget,
  }),
  OPENAI_SUMMARY_MAX_OUTPUT_TOKENS: Type.Integer({
    minimum: 100,
    maximum: 100_000,
    default: defaults.maxOutputTokens,
  }),
  /** In-process retries of a transient failure before the stage runner takes over. */
  OPENAI_SUMMARY_MAX_RETRIES: Type.Integer({
    minimum: 0,
    maximum: 10,
    default: defaults.maxRetries,
  }),
  /** Requests in flight at once for the parts of one long transcript. */
  OPENAI_SUMMARY_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 16,
    default: defaults.concurrency,
  }),
  /** Asks for `response_format: json_object`; `false` for servers that refuse the field. */
  OPENAI_SUMMARY_JSON_MODE: Type.Boolean({ default: defaults.jsonMode }),
})

export type SummarizerSettings = ReturnType<typeof loadSummarizerSettings>

/**
 * Reads and checks the settings once at start. Besides each value's own type and range, the
 * openai provider needs a key, a model, an http(s) base URL and a budget its answers fit in;
 * every problem found is listed in one error, each naming its variable.
 *
 * @example
 * const settings = loadSummarizerSettings() // throws ConfigError on a bad environment
 */
export function loadSummarizerSettings(env: NodeJS.ProcessEnv = process.env) {
  const settings = loadWorkerSettings(SummarizerSettings, env)
  if (settings.SUMMARY_PROVIDER === 'openai') {
    const problems = openAiProblems(settings)
    if (problems.length > 0) throw new ConfigError(problems)
  }
  return settings
}

function openAiProblems(settings: Static<typeof SummarizerSettings>): string[] {
  const problems: string[] = []
  const needed = 'is required when SUMMARY_PROVIDER is openai'
  if (!settings.OPENAI_SUMMARY_API_KEY?.trim()) problems.push(`OPENAI_SUMMARY_API_KEY: ${needed}`)
  if (!settings.OPENAI_SUMMARY_MODEL?.trim()) problems.push(`OPENAI_SUMMARY_MODEL: ${needed}`)
  if (!isHttpUrl(settings.OPENAI_SUMMARY_BASE_URL)) {
    problems.push('OPENAI_SUMMARY_BASE_URL: must be an http or https URL')
  }

  const outputTokens = settings.OPENAI_SUMMARY_MAX_OUTPUT_TOKENS
  const minimum = minimumTokenBudget(outputTokens)
  if (settings.OPENAI_SUMMARY_TOKEN_BUDGET < minimum) {
    problems.push(
      `OPENAI_SUMMARY_TOKEN_BUDGET: must be at least ${minimum} ` +
        `when OPENAI_SUMMARY_MAX_OUTPUT_TOKENS is ${outputTokens}`,
    )
  }
  return problems
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
