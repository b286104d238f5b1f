import { availableParallelism } from 'node:os'
import { ConfigError, loadWorkerSettings, type Prerequisite } from '@tella/platform'
import Type from 'typebox'
import { createOpenAiEngine } from './engines/openai/openai-engine.ts'
import { createPocketsphinxEngine } from './engines/pocketsphinx.ts'
import { debianEnglishModel, pocketsphinxPrerequisite } from './engines/pocketsphinx-check.ts'
import {
  type ChunkingOptions,
  createChunkedTranscriber,
  type LongAudioTranscriber,
} from './long-audio/chunked-transcriber.ts'

const ResponseFormat = Type.Union([
  Type.Literal('verbose_json'),
  Type.Literal('json'),
  Type.Literal('text'),
])

/** The transcriber's own settings; README's settings table and docs/transcription.md. */
export const TranscriberSettings = Type.Object({
  LOG_LEVEL: Type.String({ default: 'info' }),
  TRANSCRIBE_PROVIDER: Type.Union([Type.Literal('pocketsphinx'), Type.Literal('openai')], {
    default: 'pocketsphinx',
  }),
  /** Audio this far under the recording's peak counts as a pause (chunk cuts, no-speech). */
  TRANSCRIBE_SILENCE_BELOW_PEAK_DB: Type.Number({ minimum: -80, maximum: -6, default: -35 }),
  TRANSCRIBE_MIN_SILENCE_SEC: Type.Number({ minimum: 0.05, maximum: 5, default: 0.3 }),

  /** The offline engine's binary; Debian's `pocketsphinx` package installs it. */
  POCKETSPHINX_PATH: Type.String({ default: 'pocketsphinx_continuous' }),
  /** The offline engine's model: pocketsphinx's -hmm, -lm and -dict; Debian's en-us. */
  POCKETSPHINX_HMM: Type.String({ minLength: 1, default: debianEnglishModel.hmm }),
  POCKETSPHINX_LM: Type.String({ minLength: 1, default: debianEnglishModel.lm }),
  POCKETSPHINX_DICT: Type.String({ minLength: 1, default: debianEnglishModel.dict }),
  POCKETSPHINX_CHUNK_SEC: Type.Number({ minimum: 5, maximum: 3600, default: 60 }),
  /** Decoders run at once per job; 0 means one per core. */
  POCKETSPHINX_CONCURRENCY: Type.Integer({ minimum: 0, maximum: 64, default: 0 }),

  OPENAI_TRANSCRIBE_BASE_URL: Type.String({ default: 'https://api.openai.com/v1' }),
  /** Required with the openai provider; servers without auth accept any non-empty value. */
  OPENAI_TRANSCRIBE_API_KEY: Type.String({ default: '' }),
  OPENAI_TRANSCRIBE_MODEL: Type.String({ minLength: 1, default: 'whisper-1' }),
  OPENAI_TRANSCRIBE_RESPONSE_FORMAT: Type.Union(ResponseFormat.anyOf, {
    default: 'verbose_json',
  }),
  /** Deadline of one request; the SDK's own default is ten minutes. */
  OPENAI_TRANSCRIBE_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 180_000 }),
  OPENAI_TRANSCRIBE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 32, default: 4 }),
  /** OpenAI refuses uploads over 25 MB; the default leaves room for the multipart framing. */
  OPENAI_TRANSCRIBE_MAX_CHUNK_BYTES: Type.Integer({ minimum: 65_536, default: 24 * 1024 ** 2 }),
  OPENAI_TRANSCRIBE_MAX_CHUNK_SEC: Type.Number({ minimum: 5, default: 600 }),
  OPENAI_TRANSCRIBE_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 4 }),
  OPENAI_TRANSCRIBE_MAX_RETRY_AFTER_MS: Type.Integer({ minimum: 0, default: 60_000 }),
})

export type TranscriberSettings = ReturnType<typeof loadTranscriberSettings>

/**
 * Reads the worker's and the transcriber's settings at start, refusing every bad value in one
 * error that names each variable, including those that are only wrong together.
 *
 * @example
 * const settings = loadTranscriberSettings({ TRANSCRIBE_PROVIDER: 'openai' })
 * // throws ConfigError: OPENAI_TRANSCRIBE_API_KEY: is required when TRANSCRIBE_PROVIDER=openai
 */
export function loadTranscriberSettings(env: Record<string, string | undefined> = process.env) {
  const settings = loadWorkerSettings(TranscriberSettings, env)
  if (settings.TRANSCRIBE_PROVIDER !== 'openai') return settings

  const problems: string[] = []
  if (settings.OPENAI_TRANSCRIBE_API_KEY.trim() === '') {
    problems.push('OPENAI_TRANSCRIBE_API_KEY: is required when TRANSCRIBE_PROVIDER=openai')
  }
  if (!isHttpUrl(settings.OPENAI_TRANSCRIBE_BASE_URL)) {
    problems.push('OPENAI_TRANSCRIBE_BASE_URL: must be an http(s) URL, e.g. http://host:8000/v1')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return settings
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/**
 * Builds the transcriber the settings choose: the engine, and how long audio is cut and run
 * for it. The offline engine gets one decoder per core, since pocketsphinx uses one core per
 * process; a remote one gets its own limit on requests in flight.
 *
 * @example
 * const transcriber = transcriberFromSettings(loadTranscriberSettings())
 */
export function transcriberFromSettings(settings: TranscriberSettings): LongAudioTranscriber {
  const silence = {
    belowPeakDb: settings.TRANSCRIBE_SILENCE_BELOW_PEAK_DB,
    minSilenceSec: settings.TRANSCRIBE_MIN_SILENCE_SEC,
  }

  if (settings.TRANSCRIBE_PROVIDER === 'openai') {
    const engine = createOpenAiEngine({
      baseURL: settings.OPENAI_TRANSCRIBE_BASE_URL,
      apiKey: settings.OPENAI_TRANSCRIBE_API_KEY,
      model: settings.OPENAI_TRANSCRIBE_MODEL,
      timeoutMs: settings.OPENAI_TRANSCRIBE_TIMEOUT_MS,
      responseFormat: settings.OPENAI_TRANSCRIBE_RESPONSE_FORMAT,
    })
    const chunking: ChunkingOptions = {
      silence,
      maxChunkSec: settings.OPENAI_TRANSCRIBE_MAX_CHUNK_SEC,
      maxChunkBytes: settings.OPENAI_TRANSCRIBE_MAX_CHUNK_BYTES,
      concurrency: settings.OPENAI_TRANSCRIBE_CONCURRENCY,
      retry: {
        maxAttempts: settings.OPENAI_TRANSCRIBE_MAX_ATTEMPTS,
        baseDelayMs: 1_000,
        maxDelayMs: 30_000,
        maxRetryAfterMs: settings.OPENAI_TRANSCRIBE_MAX_RETRY_AFTER_MS,
      },
    }
    return createChunkedTranscriber(engine, chunking)
  }

  const engine = createPocketsphinxEngine({
    binary: settings.POCKETSPHINX_PATH,
    ...pocketsphinxModel(settings),
  })
  return createChunkedTranscriber(engine, {
    silence,
    maxChunkSec: settings.POCKETSPHINX_CHUNK_SEC,
    concurrency: settings.POCKETSPHINX_CONCURRENCY || availableParallelism(),
  })
}

/**
 * What the worker checks before it takes work: the offline engine's binary and model. A
 * remote engine has nothing local to check; its failures are the provider's, per request.
 *
 * @example
 * transcriberPrerequisites(loadTranscriberSettings()) // [pocketsphinx check] by default
 */
export function transcriberPrerequisites(settings: TranscriberSettings): Prerequisite[] {
  if (settings.TRANSCRIBE_PROVIDER === 'openai') return []
  return [pocketsphinxPrerequisite(settings.POCKETSPHINX_PATH, pocketsphinxModel(settings))]
}

function pocketsphinxModel(settings: TranscriberSettings) {
  return {
    hmm: settings.POCKETSPHINX_HMM,
    lm: settings.POCKETSPHINX_LM,
    dict: settings.POCKETSPHINX_DICT,
  }
}

/** What the worker logs about its engine at start: never the key. */
export function describeTranscriber(settings: TranscriberSettings): Record<string, unknown> {
  if (settings.TRANSCRIBE_PROVIDER === 'openai') {
    return {
      provider: 'openai',
      baseURL: withoutCredentials(settings.OPENAI_TRANSCRIBE_BASE_URL),
      model: settings.OPENAI_TRANSCRIBE_MODEL,
      concurrency: settings.OPENAI_TRANSCRIBE_CONCURRENCY,
      maxChunkSec: settings.OPENAI_TRANSCRIBE_MAX_CHUNK_SEC,
    }
  }
  return {
    provider: 'pocketsphinx',
    binary: settings.POCKETSPHINX_PATH,
    model: pocketsphinxModel(settings),
    maxChunkSec: settings.POCKETSPHINX_CHUNK_SEC,
    concurrency: settings.POCKETSPHINX_CONCURRENCY || availableParallelism(),
  }
}

/** A proxy URL may carry `user:password@`; that part is a credential too. */
function withoutCredentials(value: string): string {
  const url = new URL(value)
  url.username = ''
  url.password = ''
  return url.toString()
}
