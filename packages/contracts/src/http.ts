import Type, { type Static, type TSchema } from 'typebox'
import { ErrorCodeSchema } from './errors.ts'

/**
 * Shapes of the Jobs API as given by the reference. Fields may be added, never renamed,
 * retyped or dropped; additions are marked.
 */
const IsoDate = Type.String({ format: 'date-time' })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const JobStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('IN_PROGRESS'),
  Type.Literal('COMPLETED'),
  Type.Literal('FAILED'),
])
export type JobStatus = Static<typeof JobStatus>

export const JobSource = Type.Union([Type.Literal('YOUTUBE'), Type.Literal('UPLOAD')])
export type JobSource = Static<typeof JobSource>

export const Course = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Nullable(Type.String()),
  emoji: Nullable(Type.String()),
})
export type Course = Static<typeof Course>

export const NoteInfo = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.String(),
  duration: Nullable(Type.Number()),
  fileSize: Nullable(Type.Number()),
  mimeType: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  date: Nullable(Type.String()),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  course: Nullable(Course),
})
export type NoteInfo = Static<typeof NoteInfo>

export const Job = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: JobStatus,
  progress: Type.Number({ minimum: 0, maximum: 100 }),
  source: JobSource,
  errorMessage: Nullable(Type.String()),
  /** Added: the stable machine code of `errorMessage`. */
  errorCode: Nullable(Type.String()),
  /** Added: the stage running or last run (download, transcribe, summarize, note). */
  stage: Type.String(),
  userId: Type.String(),
  noteId: Nullable(Type.String()),
  /** Added: the course of the job's note (the import's, until the note is refiled). */
  courseId: Nullable(Type.String()),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  completedAt: Nullable(IsoDate),
  note: Nullable(NoteInfo),
})
export type Job = Static<typeof Job>

export const RecentJob = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: JobStatus,
  progress: Type.Number(),
  source: JobSource,
  createdAt: IsoDate,
  completedAt: Nullable(IsoDate),
})

export const JobStats = Type.Object({
  total: Type.Integer(),
  byStatus: Type.Object({
    pending: Type.Integer(),
    inProgress: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
  }),
  successRate: Type.Integer({ minimum: 0, maximum: 100 }),
  recentJobs: Type.Array(RecentJob),
  queueStats: Type.Object({
    waiting: Type.Integer(),
    active: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
    total: Type.Integer(),
  }),
})
export type JobStats = Static<typeof JobStats>

export const Pagination = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  hasMore: Type.Boolean(),
  nextOffset: Nullable(Type.Integer()),
})

export const ListJobsQuery = Type.Object(
  {
    status: Type.Optional(JobStatus),
    source: Type.Optional(JobSource),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
    sortBy: Type.Union(
      [Type.Literal('createdAt'), Type.Literal('updatedAt'), Type.Literal('completedAt')],
      { default: 'createdAt' },
    ),
    sortOrder: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  },
  { additionalProperties: false },
)
export type ListJobsQuery = Static<typeof ListJobsQuery>

export const IdParams = Type.Object({ id: Type.String() })

/** A note title's limit in characters (code points), on import as on rename. */
export const noteTitleMaxLength = 200

export const YoutubeImportBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: noteTitleMaxLength })),
    courseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type YoutubeImportBody = Static<typeof YoutubeImportBody>

export const TranscriptSegment = Type.Object({
  start: Type.Number(),
  end: Type.Number(),
  text: Type.String(),
})

export const NoteDetail = Type.Object({
  ...NoteInfo.properties,
  jobId: Nullable(Type.String()),
  keyPoints: Type.Array(Type.String()),
  transcript: Type.Object({
    text: Type.String(),
    segments: Type.Array(TranscriptSegment),
    /** True when no speech was recognised (silence or music only). */
    empty: Type.Boolean(),
  }),
})
export type NoteDetail = Static<typeof NoteDetail>

export const ErrorBody = Type.Object({
  success: Type.Literal(false),
  error: Type.String(),
  code: ErrorCodeSchema,
})
export type ErrorBody = Static<typeof ErrorBody>

export const MessageBody = Type.Object({ success: Type.Literal(true), message: Type.String() })

/** Wraps a payload schema in the reference's `{ success: true, data }` envelope. */
export function envelope<T extends TSchema>(data: T) {
  return Type.Object({ success: Type.Literal(true), data })
}

export const JobList = Type.Object({ jobs: Type.Array(Job), pagination: Pagination })

/** Payload of every message on `imports.lifecycle.>`. */
export const LifecycleEvent = Type.Object({
  type: Type.String(),
  jobId: Type.String(),
  userId: Type.String(),
  at: IsoDate,
  job: Nullable(Job),
})
export type LifecycleEvent = Static<typeof LifecycleEvent>
