import { CodedError } from '@tella/contracts'
import { spreadTextOverSound } from '../derived-times.ts'
import { roundSeconds, type Transcript, type TranscriptSegment } from '../engine.ts'
import { joinSegmentTexts } from '../segments.ts'

/** The fields of a `verbose_json` segment this service reads; servers add others. */
interface VerboseSegment {
  start?: unknown
  end?: unknown
  text?: unknown
  no_speech_prob?: unknown
  avg_logprob?: unknown
}

/**
 * Whisper's own test for a segment it decoded from no speech: likely silent and decoded
 * with little confidence. Such segments are the "Thank you for watching" of quiet audio.
 */
const noSpeechProbability = 0.6
const lowAverageLogprob = -1

/**
 * Captions of sound rather than speech, which Whisper-family models write for music and
 * noise: `[Music]`, `(applause)`, `♪♪`, whisper.cpp's `[BLANK_AUDIO]`.
 */
const soundCaption = /^[\s♪♫*~-]*(?:[[(][^\])]*[\])][\s♪♫*~-]*)*$/u

export interface ResponseContext {
  /** Length of the audio that was sent. */
  durationSec: number
  /** Where that audio has sound, for responses that carry no times. */
  sound?: readonly { start: number; end: number }[] | undefined
}

/**
 * Reads a transcription response of any format a compatible server may give: `verbose_json`
 * with segments, `json` with text only, or plain text (a string, or JSON sent as text).
 * Segment times are kept when given and derived from the sound of the audio otherwise.
 *
 * @example
 * toTranscript({ text: 'Hi.', segments: [{ start: 0.2, end: 0.9, text: ' Hi.' }] },
 *   { durationSec: 5 })
 * // { text: 'Hi.', segments: [{ start: 0.2, end: 0.9, text: 'Hi.' }] }
 */
export function toTranscript(body: unknown, context: ResponseContext): Transcript {
  const parsed = typeof body === 'string' ? parseTextBody(body) : body
  if (typeof parsed === 'string') return fromText(parsed, context)
  if (!parsed || typeof parsed !== 'object') throw unreadable(`a ${typeof parsed}`)

  const { segments, text } = parsed as { segments?: unknown; text?: unknown }
  if (Array.isArray(segments) && segments.length > 0) return fromSegments(segments, context)
  if (typeof text === 'string') return fromText(text, context)
  throw unreadable('JSON without text')
}

function parseTextBody(body: string): unknown {
  const trimmed = body.trim()
  if (!trimmed.startsWith('{')) return trimmed
  try {
    return JSON.parse(trimmed)
  } catch {
    return trimmed
  }
}

function fromSegments(raw: readonly unknown[], context: ResponseContext): Transcript {
  const segments: TranscriptSegment[] = []
  for (const item of raw as VerboseSegment[]) {
    const text = typeof item.text === 'string' ? item.text.trim() : ''
    if (!isSpeech(text) || decodedFromSilence(item)) continue

    const start = clampTime(item.start, context.durationSec)
    const end = Math.max(start, clampTime(item.end, context.durationSec))
    segments.push({ start: roundSeconds(start), end: roundSeconds(end), text })
  }
  return { text: joinSegmentTexts(segments), segments }
}

function fromText(text: string, context: ResponseContext): Transcript {
  const segments = spreadTextOverSound(text, context.sound, context.durationSec).filter((segment) =>
    isSpeech(segment.text),
  )
  return { text: joinSegmentTexts(segments), segments }
}

function isSpeech(text: string): boolean {
  return text !== '' && !soundCaption.test(text)
}

function decodedFromSilence(segment: VerboseSegment): boolean {
  const { no_speech_prob: noSpeech, avg_logprob: logprob } = segment
  if (typeof noSpeech !== 'number' || typeof logprob !== 'number') return false
  return noSpeech > noSpeechProbability && logprob < lowAverageLogprob
}

function clampTime(value: unknown, durationSec: number): number {
  const seconds = typeof value === 'number' && Number.isFinite(value) ? value : 0
  return Math.min(durationSec, Math.max(0, seconds))
}

function unreadable(what: string): CodedError {
  return new CodedError('TRANSCRIPTION_FAILED', {
    detail: `the speech provider answered ${what} instead of a transcription`,
  })
}
