import Type, { type Static, type TSchema } from 'typebox'
import { NoteInfo, noteTitleMaxLength, Pagination, TranscriptSegment } from './http.ts'

/**
 * Shapes of the Notes API: the list, the editable fields and the transcript export. The list
 * paginates exactly like `GET /api/jobs`.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A course id as issued by the API: `course_` and up to 64 letters and digits. */
export const courseIdPattern = '^course_[A-Za-z0-9]{1,64}$'

/** The page size and start shared by every list. */
export const PageLimit = Type.Integer({ minimum: 1, maximum: 100, default: 20 })
/** Bounded so that no offset overflows the database's integer types. */
export const PageOffset = Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })

/** A note as lists show it: the reference's note information plus its job. */
export const NoteSummary = Type.Object({
  ...NoteInfo.properties,
  /** Added: the import job that made the note; null once that job is deleted. */
  jobId: Nullable(Type.String()),
})
export type NoteSummary = Static<typeof NoteSummary>

export const NoteList = Type.Object({ notes: Type.Array(NoteSummary), pagination: Pagination })
export type NoteList = Static<typeof NoteList>

export const ListNotesQuery = Type.Object(
  {
    /** One of the caller's courses, or `none` for the notes filed under no course. */
    courseId: Type.Optional(Type.String({ pattern: `^(?:none|${courseIdPattern.slice(1, -1)})$` })),
    limit: PageLimit,
    offset: PageOffset,
    sortBy: Type.Union(
      [Type.Literal('createdAt'), Type.Literal('updatedAt'), Type.Literal('title')],
      { default: 'createdAt' },
    ),
    sortOrder: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  },
  { additionalProperties: false },
)
export type ListNotesQuery = Static<typeof ListNotesQuery>

/** What `PATCH /api/notes/:id` may change; at least one field. */
export const UpdateNoteBody = Type.Object(
  {
    /** Trimmed and single-spaced; blank is refused. */
    title: Type.Optional(Type.String({ minLength: 1, maxLength: noteTitleMaxLength })),
    /** One of the caller's courses; null files the note under no course. */
    courseId: Type.Optional(Nullable(Type.String({ pattern: courseIdPattern }))),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateNoteBody = Static<typeof UpdateNoteBody>

export const TranscriptFormat = Type.Union(
  [Type.Literal('json'), Type.Literal('txt'), Type.Literal('srt'), Type.Literal('vtt')],
  { default: 'json' },
)
export type TranscriptFormat = Static<typeof TranscriptFormat>

export const TranscriptQuery = Type.Object(
  { format: TranscriptFormat },
  { additionalProperties: false },
)
export type TranscriptQuery = Static<typeof TranscriptQuery>

/** The `format=json` export: the timed transcript with the note it belongs to. */
export const TranscriptExport = Type.Object({
  noteId: Type.String(),
  title: Type.String(),
  text: Type.String(),
  segments: Type.Array(TranscriptSegment),
  /** True when no speech was recognised (silence or music only). */
  empty: Type.Boolean(),
})
export type TranscriptExport = Static<typeof TranscriptExport>
