import Type from 'typebox'
import { Compile } from 'typebox/compile'
import type { Summary } from '../engines/engine.ts'

/**
 * Reading the JSON summary out of a chat model's reply. Models asked for JSON still wrap it:
 * in a Markdown code fence, after a sentence of preamble, or both, and some write `key_points`
 * for `keyPoints`. Those are accepted; anything that is not, after unwrapping, an object with
 * a string summary and a list of string key points is refused, so the caller can ask again
 * rather than store text that was never a summary.
 */

const ReplyShape = Type.Object({
  summary: Type.String(),
  keyPoints: Type.Array(Type.String()),
})
const replyChecker = Compile(ReplyShape)

/** Bullet or number a model may put before a key point although the list already has them. */
const listMarker = /^(?:[-*•]|\d+[.)])\s+/u

/**
 * The summary in a reply, or `null` when the reply does not contain one.
 *
 * @example
 * parseSummaryReply('```json\n{"summary":"Cells divide.","keyPoints":["Mitosis"]}\n```')
 * // { summary: 'Cells divide.', keyPoints: ['Mitosis'] }
 */
export function parseSummaryReply(reply: string | null | undefined): Summary | null {
  if (!reply) return null

  for (const candidate of jsonCandidates(reply)) {
    const summary = toSummary(parseJson(candidate))
    if (summary) return summary
  }
  return null
}

/** The places JSON may hide in a reply, most literal first. */
function jsonCandidates(reply: string): string[] {
  const candidates = [reply.trim()]

  for (const match of reply.matchAll(/```[\w-]*[^\S\n]*\n?([\s\S]*?)```/gu)) {
    if (match[1]) candidates.push(match[1].trim())
  }

  const first = reply.indexOf('{')
  const last = reply.lastIndexOf('}')
  if (first !== -1 && last > first) candidates.push(reply.slice(first, last + 1))
  return candidates
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function toSummary(value: unknown): Summary | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null

  const record = value as Record<string, unknown>
  const shaped = { summary: record.summary, keyPoints: record.keyPoints ?? record.key_points }
  if (!replyChecker.Check(shaped)) return null

  return {
    summary: shaped.summary.trim(),
    keyPoints: shaped.keyPoints
      .map((point) => point.trim().replace(listMarker, '').trim())
      .filter((point) => point !== ''),
  }
}
