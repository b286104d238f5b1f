import type { SummaryInput } from '../engines/engine.ts'
import {
  type CharacterCounts,
  countCharacters,
  estimateTokens,
  tokensFor,
} from './token-estimate.ts'

/**
 * Splitting text into pieces that each fit a request, without losing any of it. Transcripts are
 * cut between segments, where the speaker paused; only a segment too long for one request on
 * its own is cut between words, and only a "word" longer than a request between characters.
 * Whitespace is the one thing not kept as it was: pieces are joined by one newline or space.
 */

/** Joins packed texts; the estimate of one separator is one token. */
export const lineSeparator = '\n'
export const blockSeparator = '\n\n'
const separatorTokens = 1

/**
 * The transcript as chunks of at most `capacity` estimated tokens, in spoken order, one
 * segment a line.
 *
 * @example
 * chunkTranscript(transcript, 2_000) // ['first segment\nsecond segment', 'third segment']
 */
export function chunkTranscript(input: SummaryInput, capacity: number): string[] {
  checkCapacity(capacity)
  const pieces = transcriptLines(input).flatMap((line) => splitLine(line, capacity))
  return packTexts(pieces, capacity).map((group) => group.join(lineSeparator))
}

/**
 * Groups consecutive texts so that each group, joined by a separator, stays within `capacity`
 * estimated tokens. A text over the capacity on its own gets a group of its own: callers split
 * such texts first, or treat that group as a failure to make progress.
 */
export function packTexts(texts: readonly string[], capacity: number): string[][] {
  const groups: string[][] = []
  let group: string[] = []
  let groupTokens = 0

  for (const text of texts) {
    const tokens = estimateTokens(text)
    const cost = group.length === 0 ? tokens : tokens + separatorTokens
    if (group.length > 0 && groupTokens + cost > capacity) {
      groups.push(group)
      group = [text]
      groupTokens = tokens
      continue
    }
    group.push(text)
    groupTokens += cost
  }
  if (group.length > 0) groups.push(group)
  return groups
}

/** Segment texts, or the whole text when the transcript has no segments. */
function transcriptLines(input: SummaryInput): string[] {
  const segments = input.segments.map((segment) => segment.text.trim()).filter(Boolean)
  if (segments.length > 0) return segments
  const text = input.text.trim()
  return text === '' ? [] : [text]
}

/** A line that fits stays whole; a longer one is cut between words. */
function splitLine(line: string, capacity: number): string[] {
  if (estimateTokens(line) <= capacity) return [line]

  const words = line.split(/\s+/u).filter(Boolean)
  const fitting = words.flatMap((word) => splitWord(word, capacity))
  return packTexts(fitting, capacity).map((group) => group.join(' '))
}

/** Cuts a word longer than a request between characters; it is kept whole when it fits. */
function splitWord(word: string, capacity: number): string[] {
  if (estimateTokens(word) <= capacity) return [word]

  const slices: string[] = []
  let slice = ''
  let counts: CharacterCounts = { ascii: 0, other: 0 }
  for (const character of word) {
    const added = countCharacters(character)
    const next = { ascii: counts.ascii + added.ascii, other: counts.other + added.other }
    if (slice !== '' && tokensFor(next) > capacity) {
      slices.push(slice)
      slice = character
      counts = added
      continue
    }
    slice += character
    counts = next
  }
  if (slice !== '') slices.push(slice)
  return slices
}

function checkCapacity(capacity: number) {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`chunk capacity must be a whole number of tokens ≥ 1, got ${capacity}`)
  }
}
