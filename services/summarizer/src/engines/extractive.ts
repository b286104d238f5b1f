import { CodedError } from '@tella/contracts'
import { extractKeyTerms } from '../text/key-terms.ts'
import { splitIntoUnits, type TextUnit, toSummarySentence } from '../text/units.ts'
import { isContentWord, tokenize } from '../text/words.ts'
import type { Summary, SummaryEngine, SummaryInput } from './engine.ts'

export interface ExtractiveEngineOptions {
  /** Most sentences quoted in the summary. */
  maxSentences?: number
  /** Most key terms listed. */
  maxKeyPoints?: number
}

/** Units shorter than this are scaled down: a three-word aside rarely sums up a lecture. */
const fullLengthWords = 8

/** Two units sharing this share of their content terms say the same thing; quote one. */
const redundantOverlap = 0.6

interface ScoredUnit {
  unit: TextUnit
  index: number
  tokens: string[]
  terms: Set<string>
  score: number
}

/**
 * A summary built only from the transcript's own words: the units (sentences, or segments of
 * an unpunctuated transcript) whose content words the speaker repeats most, quoted in the
 * order they were said. It needs no model and no network, so the pipeline works offline, and
 * it cannot state anything the lecture did not.
 *
 * Scoring: each content term weighs its count over the count of the most repeated term. A
 * unit scores the weights of its distinct content terms divided by its length in words, so a
 * dense unit beats a long one that rambles, and units under eight words are scaled down.
 * Identical units (a repeated phrase, a decoder loop) are scored and counted once.
 *
 * Limitation: quoted speech stays speech: an unpunctuated transcript gives pause-delimited
 * fragments rather than grammatical sentences, and recognition errors are quoted as heard.
 *
 * @example
 * const engine = createExtractiveEngine({ maxSentences: 3 })
 * const { summary, keyPoints } = await engine.summarize(transcript, {})
 */
export function createExtractiveEngine(options: ExtractiveEngineOptions = {}): SummaryEngine {
  const maxSentences = checkCount('maxSentences', options.maxSentences ?? 5)
  const maxKeyPoints = checkCount('maxKeyPoints', options.maxKeyPoints ?? 5)

  return {
    name: 'extractive',
    async summarize(input, { signal }) {
      throwIfCancelled(signal)
      const summary = summarizeText(input, maxSentences, maxKeyPoints)
      throwIfCancelled(signal)
      return summary
    },
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`extractive engine option "${name}" must be a whole number ≥ 0`)
  }
  return value
}

/** The work is synchronous and takes milliseconds; checking at both ends is enough. */
function throwIfCancelled(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new CodedError('CANCELLED')
}

function summarizeText(input: SummaryInput, maxSentences: number, maxKeyPoints: number): Summary {
  const units = distinctUnits(splitIntoUnits(input))
  if (units.length === 0) return { summary: '', keyPoints: [] }

  scoreUnits(units)
  const chosen = pickUnits(units, maxSentences)
  return {
    summary: chosen.map((scored) => toSummarySentence(scored.unit)).join(' '),
    keyPoints: extractKeyTerms(
      units.map((scored) => scored.tokens),
      maxKeyPoints,
    ),
  }
}

/** Tokenises units and keeps the first of any that say the same words. */
function distinctUnits(units: TextUnit[]): ScoredUnit[] {
  const seen = new Set<string>()
  const distinct: ScoredUnit[] = []

  for (const [index, unit] of units.entries()) {
    const tokens = tokenize(unit.text)
    const key = tokens.join(' ')
    if (tokens.length === 0 || seen.has(key)) continue
    seen.add(key)
    const terms = new Set(tokens.filter(isContentWord))
    distinct.push({ unit, index, tokens, terms, score: 0 })
  }
  return distinct
}

function scoreUnits(units: ScoredUnit[]) {
  const counts = new Map<string, number>()
  for (const { tokens } of units) {
    for (const token of tokens) {
      if (isContentWord(token)) counts.set(token, (counts.get(token) ?? 0) + 1)
    }
  }
  let mostMentions = 1
  for (const count of counts.values()) mostMentions = Math.max(mostMentions, count)

  for (const scored of units) {
    let weight = 0
    for (const term of scored.terms) weight += (counts.get(term) ?? 0) / mostMentions
    const lengthFactor = Math.min(1, scored.tokens.length / fullLengthWords)
    scored.score = (weight / scored.tokens.length) * lengthFactor
  }
}

/**
 * Takes the best-scoring units that are not near-repeats of one already taken, then restores
 * transcript order. Ties go to the earlier unit. Units without any content word are never
 * quoted: a summary of "yeah okay so" says nothing.
 */
function pickUnits(units: ScoredUnit[], limit: number): ScoredUnit[] {
  const ranked = units
    .filter((scored) => scored.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)

  const chosen: ScoredUnit[] = []
  for (const candidate of ranked) {
    if (chosen.length >= limit) break
    if (chosen.some((taken) => overlap(taken.terms, candidate.terms) >= redundantOverlap)) continue
    chosen.push(candidate)
  }
  return chosen.sort((a, b) => a.index - b.index)
}

/** Jaccard overlap of two term sets: shared terms over all terms. */
function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0
  for (const term of a) if (b.has(term)) shared += 1
  const all = a.size + b.size - shared
  return all === 0 ? 0 : shared / all
}
