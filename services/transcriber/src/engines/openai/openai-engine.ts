import { createReadStream } from 'node:fs'
import { CodedError } from '@tella/contracts'
import OpenAI from 'openai'
import { type SpeechEngine, TransientEngineError } from '../engine.ts'
import { estimateWavDurationSec } from '../progress.ts'
import { providerError, refusesVerboseJson } from './provider-errors.ts'
import { toTranscript } from './transcription-response.ts'

export type ResponseFormat = 'verbose_json' | 'json' | 'text'

export interface OpenAiEngineOptions {
  /** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1` for speaches. */
  baseURL: string
  apiKey: string
  model: string
  /** Deadline of one request, from sending the audio to the last byte of the answer. */
  timeoutMs: number
  /** `verbose_json` asks for segment times; servers that refuse it are asked for `json`. */
  responseFormat: ResponseFormat
}

/**
 * Speech to text through any server that speaks OpenAI's `/v1/audio/transcriptions`:
 * OpenAI itself, speaches, whisper.cpp's server, LocalAI, vLLM. One call sends one chunk;
 * the chunk runner splits long audio and retries transient failures, so the SDK's own
 * retries are off (its waits cannot be cancelled and would double ours).
 *
 * The deadline is enforced here as well as in the SDK: the SDK's timeout stops at the
 * response headers, and a server that sends headers and then stalls would hang the chunk.
 *
 * @example
 * const engine = createOpenAiEngine({ baseURL: 'https://api.openai.com/v1', apiKey,
 *   model: 'whisper-1', timeoutMs: 180_000, responseFormat: 'verbose_json' })
 * const { segments } = await engine.transcribe('/tmp/chunk-3.wav', { signal, durationSec })
 */
export function createOpenAiEngine(options: OpenAiEngineOptions): SpeechEngine {
  for (const name of ['baseURL', 'apiKey', 'model'] as const) {
    if (options[name].trim() === '') throw new TypeError(`openai option "${name}" is empty`)
  }
  if (!(options.timeoutMs > 0)) throw new TypeError('openai option "timeoutMs" must be > 0')

  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: 0,
    // The SDK would log request details on its own; this service logs what matters itself.
    logLevel: 'off',
  })
  // Lowered once a server refuses segment times, so later chunks do not ask again.
  let format = options.responseFormat

  const request = async (wavPath: string, signal: AbortSignal, asked: ResponseFormat) => {
    const body = {
      file: createReadStream(wavPath),
      model: options.model,
      response_format: asked,
      ...(asked === 'verbose_json' ? { timestamp_granularities: ['segment' as const] } : {}),
    }
    const response: unknown = await client.audio.transcriptions.create(body, {
      signal,
      timeout: options.timeoutMs,
    })
    return response
  }

  return {
    name: `openai:${options.model}`,
    async transcribe(wavPath, transcribeOptions) {
      const { signal } = transcribeOptions
      if (signal?.aborted) throw new CodedError('CANCELLED')
      const durationSec = transcribeOptions.durationSec ?? (await estimateWavDurationSec(wavPath))

      const deadline = AbortSignal.timeout(options.timeoutMs)
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline
      let body: unknown
      try {
        const asked = format
        body = await request(wavPath, combined, asked).catch((error: unknown) => {
          if (asked !== 'verbose_json' || !refusesVerboseJson(error)) throw error
          format = 'json'
          return request(wavPath, combined, format)
        })
      } catch (error) {
        if (signal?.aborted) throw new CodedError('CANCELLED')
        if (deadline.aborted) {
          const detail = `the speech provider did not answer within ${options.timeoutMs} ms`
          throw new TransientEngineError('NETWORK_TIMEOUT', { detail })
        }
        throw providerError(error, options.apiKey)
      }

      const transcript = toTranscript(body, {
        durationSec: durationSec ?? 0,
        sound: transcribeOptions.sound,
      })
      transcribeOptions.onProgress?.(1)
      return transcript
    },
  }
}
