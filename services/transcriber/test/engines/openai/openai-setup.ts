import {
  createOpenAiEngine,
  type OpenAiEngineOptions,
} from '../../../src/engines/openai/openai-engine.ts'
import {
  type ChunkingOptions,
  createChunkedTranscriber,
} from '../../../src/long-audio/chunked-transcriber.ts'
import { joinWithPauses, librivoxFiles } from '../../support/audio.ts'
import type { TranscriptionServer } from '../../support/transcription-server.ts'

/** Shaped like a real key, so a leak would also match the shape-based redaction. */
export const testApiKey = 'sk-test-LOOPBACKkey0123456789abcdef'

/**
 * The provider as the worker builds it, pointed at the loopback server: the real SDK client,
 * the real chunking and retries, with waits shortened so that tests stay quick.
 */
export function openAiTranscriber(
  server: TranscriptionServer,
  engine: Partial<OpenAiEngineOptions> = {},
  chunking: Partial<ChunkingOptions> = {},
) {
  return createChunkedTranscriber(
    createOpenAiEngine({
      baseURL: server.baseURL,
      apiKey: testApiKey,
      model: 'whisper-1',
      timeoutMs: 5_000,
      responseFormat: 'verbose_json',
      ...engine,
    }),
    {
      maxChunkSec: 12,
      concurrency: 2,
      silence: { belowPeakDb: -35, minSilenceSec: 0.3 },
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, maxRetryAfterMs: 5_000 },
      ...chunking,
    },
  )
}

/**
 * Three LibriVox clips with 3 s pauses: 21.4 s that a 12 s limit cuts into three chunks,
 * one clip each, at [0, 7.1], [10.1, 13.09] and [16.09, 21.39].
 */
export function threeClips(dir: string) {
  return joinWithPauses(dir, librivoxFiles.slice(0, 3), [3])
}

/** One clip alone: a recording that is one chunk. */
export function oneClip(dir: string) {
  return joinWithPauses(dir, librivoxFiles.slice(1, 2), [])
}
