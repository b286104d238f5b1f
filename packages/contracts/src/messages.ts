import Type, { type Static } from 'typebox'
import { ErrorCodeSchema } from './errors.ts'

/**
 * Payloads of the JetStream messages between jobs-api and the workers. Every message names
 * its job and the attempt it belongs to: jobs-api bumps `attempt` whenever it issues a stage
 * command, and ignores events whose attempt is not the job's current one (fencing).
 */
const JobRef = {
  jobId: Type.String({ minLength: 1 }),
  userId: Type.String({ minLength: 1 }),
  attempt: Type.Integer({ minimum: 1 }),
}

export const DownloadCommand = Type.Object({
  ...JobRef,
  source: Type.Union([Type.Literal('UPLOAD'), Type.Literal('YOUTUBE')]),
  /** Object-store key of the uploaded bytes (UPLOAD). */
  uploadKey: Type.Optional(Type.String()),
  /** Canonical watch URL (YOUTUBE). */
  url: Type.Optional(Type.String()),
  fileName: Type.Optional(Type.String()),
})
export type DownloadCommand = Static<typeof DownloadCommand>

export const Segment = Type.Object({
  start: Type.Number({ minimum: 0 }),
  end: Type.Number({ minimum: 0 }),
  text: Type.String(),
})
export type Segment = Static<typeof Segment>

/**
 * Stored in the object store under `objectKeys.transcript`: a long lecture's transcript
 * outgrows a message. One of at most `inlineTranscriptMaxBytes` of JSON also travels in the
 * messages that name it, which saves the readers a fetch; the stored copy is the same.
 */
export const TranscriptDocument = Type.Object({
  text: Type.String(),
  segments: Type.Array(Segment),
  engine: Type.String(),
})
export type TranscriptDocument = Static<typeof TranscriptDocument>

/** Largest transcript JSON, in UTF-8 bytes, carried inside a message as well as stored. */
export const inlineTranscriptMaxBytes = 64 * 1024

/**
 * The fields that carry a transcript inline: `{ transcript }` when its JSON fits
 * `inlineTranscriptMaxBytes`, else none (readers fetch the stored copy by its key).
 *
 * @example
 * const command = { ...ref, transcriptKey, ...inlineTranscript(document) }
 */
export function inlineTranscript(document: TranscriptDocument): {
  transcript?: TranscriptDocument
} {
  const bytes = new TextEncoder().encode(JSON.stringify(document)).length
  return bytes <= inlineTranscriptMaxBytes ? { transcript: document } : {}
}

export const TranscribeCommand = Type.Object({
  ...JobRef,
  audioKey: Type.String(),
  durationSec: Type.Number({ minimum: 0 }),
})
export type TranscribeCommand = Static<typeof TranscribeCommand>

export const SummarizeCommand = Type.Object({
  ...JobRef,
  transcriptKey: Type.String(),
  /** The stored transcript itself, when it is small enough to travel inline. */
  transcript: Type.Optional(TranscriptDocument),
})
export type SummarizeCommand = Static<typeof SummarizeCommand>

const EventBase = {
  jobId: Type.String({ minLength: 1 }),
  attempt: Type.Integer({ minimum: 1 }),
  /** ISO time the worker produced the event. */
  at: Type.String(),
}

export const ProgressEvent = Type.Object({
  ...EventBase,
  kind: Type.Literal('progress'),
  stage: Type.Union([
    Type.Literal('download'),
    Type.Literal('transcribe'),
    Type.Literal('summarize'),
  ]),
  /** The stage's own completion, 0..1; jobs-api maps it onto the overall percentage. */
  fraction: Type.Number({ minimum: 0, maximum: 1 }),
})
export type ProgressEvent = Static<typeof ProgressEvent>

export const DownloadCompleted = Type.Object({
  ...EventBase,
  kind: Type.Literal('completed'),
  stage: Type.Literal('download'),
  audioKey: Type.String(),
  durationSec: Type.Number({ minimum: 0 }),
  fileSize: Type.Integer({ minimum: 0 }),
  mimeType: Type.String(),
  /** The video's title (YOUTUBE); the note's title unless the user gave one. */
  title: Type.Optional(Type.String()),
  /** The video's channel (YOUTUBE). */
  channel: Type.Optional(Type.String()),
  /** An https address of the video's thumbnail (YOUTUBE). */
  thumbnailUrl: Type.Optional(Type.String()),
  /** The day the video was published, `YYYY-MM-DD` (YOUTUBE). */
  uploadDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
})
export type DownloadCompleted = Static<typeof DownloadCompleted>

export const TranscribeCompleted = Type.Object({
  ...EventBase,
  kind: Type.Literal('completed'),
  stage: Type.Literal('transcribe'),
  transcriptKey: Type.String(),
  segmentCount: Type.Integer({ minimum: 0 }),
  /** The stored transcript itself, when it is small enough to travel inline. */
  transcript: Type.Optional(TranscriptDocument),
})
export type TranscribeCompleted = Static<typeof TranscribeCompleted>

export const SummarizeCompleted = Type.Object({
  ...EventBase,
  kind: Type.Literal('completed'),
  stage: Type.Literal('summarize'),
  summary: Type.String(),
  keyPoints: Type.Array(Type.String()),
})
export type SummarizeCompleted = Static<typeof SummarizeCompleted>

export const StageFailed = Type.Object({
  ...EventBase,
  kind: Type.Literal('failed'),
  stage: Type.Union([
    Type.Literal('download'),
    Type.Literal('transcribe'),
    Type.Literal('summarize'),
  ]),
  code: ErrorCodeSchema,
  message: Type.String(),
})
export type StageFailed = Static<typeof StageFailed>

export const StageEvent = Type.Union([
  ProgressEvent,
  DownloadCompleted,
  TranscribeCompleted,
  SummarizeCompleted,
  StageFailed,
])
export type StageEvent = Static<typeof StageEvent>

/** Value stored under a job id in the cancellations bucket. */
export const CancellationNotice = Type.Object({ jobId: Type.String(), at: Type.String() })
export type CancellationNotice = Static<typeof CancellationNotice>
