import type { Logger } from 'pino'

/**
 * The contract every summary engine meets, local or remote. The summarizer worker picks one
 * engine from configuration and never branches on which it got.
 */

/** A transcript as the transcriber produced it; `text` is the segment texts joined. */
export interface SummaryInput {
  text: string
  segments: { start: number; end: number; text: string }[]
}

/**
 * `summary` is a few sentences of prose; `keyPoints` are short items a note lists as
 * bullets. An empty transcript gives `{ summary: '', keyPoints: [] }`: engines never invent
 * text to fill a note.
 */
export interface Summary {
  summary: string
  keyPoints: string[]
}

export interface SummarizeOptions {
  /** Aborting ends the work and rejects with `CodedError('CANCELLED')`. */
  signal?: AbortSignal
  /** The engine's own completion, 0..1, rising; engines that take one step may never call it. */
  onProgress?: (fraction: number) => void
  /** The job's logger, so retries and provider trouble are logged with its ids. */
  logger?: Logger
}

/**
 * @example
 * const engine: SummaryEngine = createExtractiveEngine()
 * const { summary, keyPoints } = await engine.summarize(transcript, { signal })
 */
export interface SummaryEngine {
  name: string
  summarize(input: SummaryInput, options: SummarizeOptions): Promise<Summary>
}
