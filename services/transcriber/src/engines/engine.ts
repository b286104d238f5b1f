/**
 * The contract every speech engine meets, local or remote. The transcriber worker picks one
 * engine from configuration and never branches on which it got.
 *
 * Input is always a 16 kHz mono s16le WAV written by the downloader, so engines need not
 * resample or probe.
 */

import { CodedError } from '@tella/contracts'

/** One stretch of speech. Times are seconds from the start of the audio, 3 decimals. */
export interface TranscriptSegment {
  start: number
  end: number
  text: string
}

/**
 * `text` is the segment texts joined by single spaces. Silence gives `{ text: '', segments: []}`:
 * an engine reports what it heard and never pads an empty result.
 */
export interface Transcript {
  text: string
  segments: TranscriptSegment[]
}

export interface TranscribeOptions {
  /** Aborting ends the work and rejects with `CodedError('CANCELLED')`. */
  signal?: AbortSignal
  /** Called with a fraction in [0, 1] that never decreases. */
  onProgress?: (fraction: number) => void
  /** Length of the audio when the caller knows it; engines estimate it otherwise. */
  durationSec?: number
  /**
   * Where the audio has sound, in seconds from its start, when the caller measured it.
   * Engines whose server returns text without times spread the text over these stretches.
   */
  sound?: readonly { start: number; end: number }[]
}

/**
 * A failure that may pass when the same audio is sent again: a rate limit, a server error, a
 * timeout or a dropped connection. The code says what it was; `retryAfterMs` is the wait the
 * server asked for, when it asked.
 */
export class TransientEngineError extends CodedError {
  readonly retryAfterMs: number | undefined

  constructor(
    code: 'RATE_LIMITED' | 'NETWORK_TIMEOUT' | 'INTERNAL_ERROR',
    options: { detail: string; retryAfterMs?: number | undefined },
  ) {
    super(code, { detail: options.detail })
    this.retryAfterMs = options.retryAfterMs
  }
}

/**
 * @example
 * const engine: SpeechEngine = createPocketsphinxEngine()
 * const { text, segments } = await engine.transcribe('/tmp/job/audio.wav', {
 *   signal,
 *   onProgress: (fraction) => reporter.report(fraction),
 * })
 */
export interface SpeechEngine {
  name: string
  transcribe(wavPath: string, options: TranscribeOptions): Promise<Transcript>
}

/** Rounds a time to milliseconds, the precision segments promise. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}
