import type { Summary } from '../engines/engine.ts'
import { blockSeparator } from '../map-reduce/chunking.ts'
import { estimateTokens, messageOverheadTokens } from '../map-reduce/token-estimate.ts'

/**
 * What the chat model is asked. The instructions go in the system message and the material
 * alone in the user message, so the transcript is sent exactly as chunked and nothing in it
 * is mistaken for an instruction boundary.
 *
 * Limitation: a transcript that itself says "ignore your instructions" is still read by the
 * model as speech, not obeyed by this code; a model may follow it anyway. The summary is
 * shown only to the student who uploaded the recording, so the harm stays with them.
 */

export interface ChatMessages {
  system: string
  user: string
}

const replyFormat = [
  'Write in the language of the material.',
  'State only what the material says; never add facts of your own.',
  'Answer with one JSON object and nothing else, in this shape:',
  '{"summary": "<a few sentences of prose>", "keyPoints": ["<short point>", "..."]}',
  'Give at most 8 key points, each a few words long.',
].join(' ')

const transcriptNote =
  'The material is a transcript with one spoken segment per line; it may lack punctuation ' +
  'and contain speech recognition errors.'

/** The first line of a map request's instructions; tests use it to tell requests apart. */
export const mapPromptOpening = 'You summarise a lecture transcript for a study note.'

/** The first line of a reduce request's instructions. */
export const reducePromptOpening = 'You combine summaries of consecutive parts of one lecture.'

/**
 * Asks for the summary of one chunk of the transcript, or of the whole of it when it fits in
 * one request (`parts` is 1).
 *
 * @example
 * mapMessages('so today we cover mitosis', 1, 1)
 */
export function mapMessages(chunk: string, part: number, parts: number): ChatMessages {
  const scope =
    parts === 1
      ? 'The material is the whole lecture.'
      : `The material is part ${part} of ${parts} of the lecture; summarise this part only.`
  return { system: [mapPromptOpening, scope, transcriptNote, replyFormat].join('\n'), user: chunk }
}

/** Asks for one summary of several partial summaries, given in spoken order. */
export function reduceMessages(partials: readonly string[]): ChatMessages {
  const scope =
    'The material is the summaries of consecutive parts, in the order they were spoken. ' +
    'Merge them into one summary of the whole; keep the key points that matter most.'
  return {
    system: [reducePromptOpening, scope, replyFormat].join('\n'),
    user: partials.join(blockSeparator),
  }
}

/** A partial summary written as the material of a reduce request. */
export function renderPartial(summary: Summary, part: number): string {
  const lines = [`Part ${part}:`, summary.summary]
  if (summary.keyPoints.length > 0) {
    lines.push('Key points:', ...summary.keyPoints.map((point) => `- ${point}`))
  }
  return lines.join('\n')
}

/** Estimated tokens of a request's messages. */
export function estimateMessages(messages: ChatMessages): number {
  return estimateTokens(messages.system) + estimateTokens(messages.user) + 2 * messageOverheadTokens
}

/**
 * Tokens the instructions of any request take, so that the rest of the budget can be given
 * to material. Part numbers are written at their widest so no real request costs more.
 */
export function instructionTokens(): number {
  const widestMap = estimateMessages(mapMessages('', 999_999, 999_999))
  const reduce = estimateMessages(reduceMessages([]))
  return Math.max(widestMap, reduce)
}
