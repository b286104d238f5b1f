import { CodedError } from '@tella/contracts'
import type { Logger } from 'pino'
import { type ChatMessages, mapMessages, reduceMessages, renderPartial } from '../chat/prompts.ts'
import type { Summary, SummaryInput } from '../engines/engine.ts'
import { chunkTranscript, packTexts } from './chunking.ts'

/** Asks for one summary; the signal stops it when a sibling request failed or on cancel. */
export type SummarizeRequest = (messages: ChatMessages, signal: AbortSignal) => Promise<Summary>

export interface MapReduceOptions {
  /** Estimated tokens of material (transcript or partial summaries) one request may carry. */
  capacity: number
  /** Requests in flight at once. */
  concurrency: number
  request: SummarizeRequest
  signal: AbortSignal | undefined
  onProgress: (fraction: number) => void
  logger: Logger
}

/**
 * Summarises a transcript of any length with requests that each fit the token budget.
 *
 * Map: the transcript is cut into chunks at segment boundaries and each chunk is summarised,
 * a few at a time. Reduce: the partial summaries, in spoken order, are packed into as few
 * requests as fit and each pack merged into one summary; when more than one pack was needed,
 * the merged summaries are reduced again, until one remains. A transcript that fits in one
 * request takes one request. No part of the transcript is ever left out to save tokens.
 *
 * Progress moves after every request: the map requests take all of it but one request's
 * share, which the reduce steps fill as they merge partials.
 *
 * @example
 * const summary = await summarizeMapReduce(transcript, { capacity: 6_000, concurrency: 2, ... })
 */
export async function summarizeMapReduce(
  input: SummaryInput,
  options: MapReduceOptions,
): Promise<Summary> {
  const chunks = chunkTranscript(input, options.capacity)
  if (chunks.length === 0) return { summary: '', keyPoints: [] }

  const parts = chunks.length
  options.logger.info({ parts, capacity: options.capacity }, 'summarising transcript')
  let mapped = 0
  let merged = 0
  const report = () => {
    const reduced = parts === 1 ? 0 : merged / (parts - 1)
    options.onProgress((mapped + reduced) / (parts + 1))
  }

  const partials = await mapBounded(chunks, options, async (chunk, index, signal) => {
    const summary = await options.request(mapMessages(chunk, index + 1, parts), signal)
    mapped += 1
    report()
    return summary
  })
  if (parts === 1 && partials[0]) {
    options.onProgress(1)
    return partials[0]
  }

  return reduceAll(partials, options, (count) => {
    merged += count - 1
    report()
  })
}

/** Merges partial summaries round by round until one is left. */
async function reduceAll(
  partials: Summary[],
  options: MapReduceOptions,
  onMerged: (count: number) => void,
): Promise<Summary> {
  let current = partials
  for (let round = 1; ; round += 1) {
    const rendered = current.map((summary, index) => renderPartial(summary, index + 1))
    const sizes = packTexts(rendered, options.capacity).map((group) => group.length)
    if (sizes.every((size) => size === 1)) {
      throw new CodedError('SUMMARY_FAILED', {
        detail: 'partial summaries too long to merge within OPENAI_SUMMARY_TOKEN_BUDGET',
      })
    }

    const groups = sliceBySizes(rendered, current, sizes)
    options.logger.debug({ round, partials: current.length, groups: groups.length }, 'reducing')
    current = await mapBounded(groups, options, async (group, _index, signal) => {
      // A pack of one has nothing to merge with this round; it waits for the next.
      if (group.texts.length === 1 && group.summaries[0]) return group.summaries[0]
      const summary = await options.request(reduceMessages(group.texts), signal)
      onMerged(group.texts.length)
      return summary
    })
    if (current.length === 1 && current[0]) return current[0]
  }
}

interface Group {
  texts: string[]
  summaries: Summary[]
}

function sliceBySizes(texts: string[], summaries: Summary[], sizes: number[]): Group[] {
  const groups: Group[] = []
  let start = 0
  for (const size of sizes) {
    groups.push({
      texts: texts.slice(start, start + size),
      summaries: summaries.slice(start, start + size),
    })
    start += size
  }
  return groups
}

/**
 * Runs `work` over `items` with at most `concurrency` at once, results in item order. The
 * first failure stops the rest (their requests are aborted) and is the one thrown, so a
 * refused key is reported as such rather than as the cancellations it caused.
 */
async function mapBounded<T, R>(
  items: readonly T[],
  options: Pick<MapReduceOptions, 'concurrency' | 'signal'>,
  work: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const siblings = new AbortController()
  const signal = options.signal
    ? AbortSignal.any([options.signal, siblings.signal])
    : siblings.signal
  const results: R[] = []
  let next = 0
  let failure: { error: unknown } | undefined

  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next
      next += 1
      try {
        results[index] = await work(items[index] as T, index, signal)
      } catch (error) {
        failure ??= { error }
        siblings.abort()
      }
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  if (failure) throw failure.error
  return results
}
