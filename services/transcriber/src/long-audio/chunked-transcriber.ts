import { mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { CodedError, isCodedError } from '@tella/contracts'
import type { Logger } from 'pino'
import type { SpeechEngine, TranscribeOptions, Transcript } from '../engines/engine.ts'
import { joinSegmentTexts } from '../engines/segments.ts'
import { collapseRepeatedLines, holdsNoSpeech } from '../quality/transcript-cleanup.ts'
import { type Chunk, planChunks } from './chunk-plan.ts'
import { noRetries, type RetryPolicy, withRetries } from './chunk-retry.ts'
import { offsetTranscript } from './merge.ts'
import { detectSilences, totalSeconds } from './silences.ts'
import {
  readWavLayout,
  snapToFrame,
  type WavLayout,
  wavHeaderBytes,
  writeWavSlice,
} from './wav-file.ts'

export interface ChunkingOptions {
  /** Longest chunk the engine is sent, in seconds. */
  maxChunkSec: number
  /** Largest chunk file the engine is sent, header included; undefined for no limit. */
  maxChunkBytes?: number | undefined
  /** Chunks transcribed at once. */
  concurrency: number
  silence: { belowPeakDb: number; minSilenceSec: number }
  retry?: RetryPolicy | undefined
}

export interface LongTranscribeOptions extends TranscribeOptions {
  /** Where retries and chunk failures are logged; nothing is logged without it. */
  logger?: Logger | undefined
}

export interface LongAudioTranscriber {
  readonly name: string
  transcribe(wavPath: string, options: LongTranscribeOptions): Promise<Transcript>
}

/** Share of the progress given to finding pauses, which is quick next to transcription. */
const planningShare = 0.02

/**
 * Transcribes a recording of any length with an engine that takes one chunk at a time: finds
 * the pauses, cuts the WAV there into chunks within the engine's limits, runs up to
 * `concurrency` chunks at once, retries a chunk that failed transiently on its own, and
 * merges the chunk transcripts with their absolute times.
 *
 * The first chunk that fails for good stops the others (their signal aborts) and its error is
 * the result; so does the caller's signal, with CANCELLED.
 *
 * Limitation: chunk results live in memory only. A stage that is redelivered (worker killed,
 * retries exhausted) transcribes every chunk again.
 *
 * @example
 * const transcriber = createChunkedTranscriber(createPocketsphinxEngine(), {
 *   maxChunkSec: 90, concurrency: 2, silence: { belowPeakDb: -35, minSilenceSec: 0.3 } })
 * await transcriber.transcribe('/tmp/lecture.wav', { signal, onProgress, logger })
 */
export function createChunkedTranscriber(
  engine: SpeechEngine,
  options: ChunkingOptions,
): LongAudioTranscriber {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new TypeError(`chunking option "concurrency" must be a positive integer`)
  }

  return {
    name: engine.name,
    async transcribe(wavPath, transcribeOptions) {
      const { signal } = transcribeOptions
      if (signal?.aborted) throw new CodedError('CANCELLED')

      const layout = await readWavLayout(wavPath)
      const silences = await detectSilences(wavPath, layout, {
        ...options.silence,
        signal,
      })
      const bytesPerSecond = layout.sampleRate * layout.blockAlign
      const bySize = options.maxChunkBytes
        ? (options.maxChunkBytes - wavHeaderBytes) / bytesPerSecond
        : Number.POSITIVE_INFINITY
      const chunks = planChunks(layout.durationSec, silences, {
        maxChunkSec: Math.min(options.maxChunkSec, bySize),
        snap: (seconds) => snapToFrame(layout, seconds),
      })
      transcribeOptions.onProgress?.(planningShare)
      transcribeOptions.logger?.info(
        { chunks: chunks.length, durationSec: layout.durationSec, pauses: silences.length },
        'audio split into chunks',
      )

      const slices = new SliceDir(path.dirname(wavPath))
      try {
        const run = (chunk: Chunk, chunkSignal: AbortSignal, onProgress: ProgressSink) =>
          transcribeChunk(
            chunk,
            { engine, options, wavPath, slices, layout },
            {
              signal: chunkSignal,
              onProgress,
              logger: transcribeOptions.logger,
            },
          )
        const parts = await runPool(chunks, options.concurrency, run, {
          signal,
          onProgress: progressOver(chunks, transcribeOptions.onProgress),
        })
        return finish(parts, totalSeconds(chunks.flatMap((chunk) => chunk.sound)))
      } finally {
        await slices.remove()
      }
    },
  }
}

/**
 * The directory chunk files are cut into, next to the recording, made when the first chunk
 * needs a file of its own: a recording sent whole makes none.
 */
class SliceDir {
  private made: Promise<string> | undefined

  constructor(private readonly parent: string) {}

  async pathFor(chunk: Chunk): Promise<string> {
    this.made ??= mkdtemp(path.join(this.parent, 'chunks-'))
    return path.join(await this.made, `chunk-${chunk.index}.wav`)
  }

  async remove(): Promise<void> {
    const dir = await this.made?.catch(() => undefined)
    if (dir) await rm(dir, { recursive: true, force: true })
  }
}

type ProgressSink = (chunk: Chunk, fraction: number) => void

interface ChunkJob {
  engine: SpeechEngine
  options: ChunkingOptions
  wavPath: string
  slices: SliceDir
  layout: WavLayout
}

async function transcribeChunk(
  chunk: Chunk,
  job: ChunkJob,
  context: { signal: AbortSignal; onProgress: ProgressSink; logger?: Logger | undefined },
): Promise<Transcript> {
  const whole = isWholeRecording(chunk, job.layout)
  const slicePath = whole ? job.wavPath : await job.slices.pathFor(chunk)
  if (!whole) {
    await writeWavSlice(job.wavPath, job.layout, chunk.start, chunk.end, slicePath, context.signal)
  }
  try {
    const durationSec = chunk.end - chunk.start
    const sound = chunk.sound.map((span) => ({
      start: span.start - chunk.start,
      end: span.end - chunk.start,
    }))
    const transcript = await withRetries(
      () =>
        job.engine.transcribe(slicePath, {
          signal: context.signal,
          durationSec,
          sound,
          onProgress: (fraction) => context.onProgress(chunk, fraction),
        }),
      job.options.retry ?? noRetries,
      {
        signal: context.signal,
        onRetry: ({ attempt, delayMs, error }) =>
          context.logger?.warn(
            { chunk: chunk.index, attempt, retryInMs: delayMs, code: error.code, err: error },
            'chunk failed transiently, retrying it alone',
          ),
      },
    )
    return offsetTranscript(transcript, chunk.start, chunk.end)
  } finally {
    if (!whole) await rm(slicePath, { force: true })
  }
}

/**
 * A chunk that spans the whole recording is sent as the file it is, when that file has the
 * plain 44-byte header a slice would get (the downloader writes WAV without tags): engines
 * such as pocketsphinx read no other header.
 */
function isWholeRecording(chunk: Chunk, layout: WavLayout): boolean {
  const plainHeader = layout.dataOffset === wavHeaderBytes
  const sixteenBitPcm = layout.bitsPerSample === 16
  return plainHeader && sixteenBitPcm && chunk.start === 0 && chunk.end >= layout.durationSec
}

/**
 * Runs chunks `concurrency` at a time in index order. Each gets a signal that aborts when
 * the caller's does or when another chunk failed for good, so no work outlives the result.
 */
async function runPool(
  chunks: readonly Chunk[],
  concurrency: number,
  run: (chunk: Chunk, signal: AbortSignal, onProgress: ProgressSink) => Promise<Transcript>,
  context: { signal?: AbortSignal | undefined; onProgress: ProgressSink },
): Promise<Transcript[]> {
  const stop = new AbortController()
  const signal = context.signal ? AbortSignal.any([context.signal, stop.signal]) : stop.signal
  const results: Transcript[] = new Array(chunks.length)
  let failure: { error: unknown } | undefined
  let next = 0

  const lane = async () => {
    while (next < chunks.length && !signal.aborted) {
      const chunk = chunks[next++] as Chunk
      try {
        results[chunk.index] = await run(chunk, signal, context.onProgress)
        context.onProgress(chunk, 1)
      } catch (error) {
        // The chunks stopped because of this failure fail with CANCELLED; the cause wins.
        if (!failure || isCancelled(failure.error)) failure = { error }
        stop.abort()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, lane))

  if (context.signal?.aborted) throw new CodedError('CANCELLED')
  if (failure) throw failure.error
  return results
}

function isCancelled(error: unknown): boolean {
  return isCodedError(error) && error.code === 'CANCELLED'
}

/** Progress over all chunks: each counts by its length, as far as it got. */
function progressOver(
  chunks: readonly Chunk[],
  onProgress: ((fraction: number) => void) | undefined,
): ProgressSink {
  const total = chunks.reduce((sum, chunk) => sum + (chunk.end - chunk.start), 0)
  const reached = new Map<number, number>()
  let reported = planningShare
  return (chunk, fraction) => {
    if (!onProgress || total <= 0) return
    reached.set(chunk.index, Math.max(reached.get(chunk.index) ?? 0, fraction))
    let done = 0
    for (const each of chunks) done += (each.end - each.start) * (reached.get(each.index) ?? 0)
    const overall = planningShare + (1 - planningShare) * Math.min(1, done / total)
    if (overall <= reported) return
    reported = overall
    onProgress(overall)
  }
}

/** Joins chunk transcripts, drops decoding loops, and reports no speech as nothing at all. */
function finish(parts: readonly Transcript[], soundSec: number): Transcript {
  const segments = collapseRepeatedLines(parts.flatMap((part) => part.segments))
  if (holdsNoSpeech(segments, soundSec)) return { text: '', segments: [] }
  return { text: joinSegmentTexts(segments), segments }
}
