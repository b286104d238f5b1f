import type { Job, NoteInfo } from '@tella/contracts'
import type { Kysely, Transaction } from 'kysely'
import type { CourseRow, Database, JobRow, NoteRow } from '../db/schema.ts'

type Db = Kysely<Database> | Transaction<Database>

/**
 * Selects a job with its note and the note's course: the reference's job shape in one query.
 * Callers add the `where`, order and paging.
 */
export function selectJobViews(db: Db) {
  return db
    .selectFrom('jobs as j')
    .leftJoin('notes as n', 'n.id', 'j.note_id')
    .leftJoin('courses as c', 'c.id', 'n.course_id')
    .select([
      'j.id',
      'j.title',
      'j.status',
      'j.progress',
      'j.source',
      'j.stage',
      'j.error_code',
      'j.error_message',
      'j.user_id',
      'j.note_id',
      'j.course_id',
      'j.created_at',
      'j.updated_at',
      'j.completed_at',
      'n.id as n_id',
      'n.title as n_title',
      'n.status as n_status',
      'n.duration_sec as n_duration',
      'n.file_size as n_file_size',
      'n.mime_type as n_mime_type',
      'n.summary as n_summary',
      'n.date as n_date',
      'n.created_at as n_created_at',
      'n.updated_at as n_updated_at',
      'c.id as c_id',
      'c.name as c_name',
      'c.color as c_color',
      'c.emoji as c_emoji',
    ])
}

export type JobViewRow = Awaited<
  ReturnType<ReturnType<typeof selectJobViews>['executeTakeFirstOrThrow']>
>

/** The job columns the view shows. */
export type JobViewColumns = Pick<
  JobRow,
  | 'id'
  | 'title'
  | 'status'
  | 'progress'
  | 'source'
  | 'stage'
  | 'error_code'
  | 'error_message'
  | 'user_id'
  | 'note_id'
  | 'course_id'
  | 'created_at'
  | 'updated_at'
  | 'completed_at'
>

/** A note as the job view shows it, with its course. */
export interface NoteViewColumns {
  note: Pick<
    NoteRow,
    | 'id'
    | 'title'
    | 'status'
    | 'duration_sec'
    | 'file_size'
    | 'mime_type'
    | 'summary'
    | 'date'
    | 'created_at'
    | 'updated_at'
  >
  course: Pick<CourseRow, 'id' | 'name' | 'color' | 'emoji'> | null
}

/**
 * The job exactly as `selectJobViews` and `toJob` give it, from values a writer holds already
 * (the row it locked, with the changes it is writing), so a lifecycle event needs no read
 * back: a round trip fewer in the transaction. `noted` is the job's note, for a job that has
 * one.
 */
export function jobFromRow(row: JobViewColumns, noted: NoteViewColumns | null = null): Job {
  const { note, course } = noted ?? { note: null, course: null }
  return toJob({
    id: row.id,
    title: row.title,
    status: row.status,
    progress: row.progress,
    source: row.source,
    stage: row.stage,
    error_code: row.error_code,
    error_message: row.error_message,
    user_id: row.user_id,
    note_id: row.note_id,
    course_id: row.course_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    completed_at: row.completed_at,
    n_id: note?.id ?? null,
    n_title: note?.title ?? null,
    n_status: note?.status ?? null,
    n_duration: note?.duration_sec ?? null,
    n_file_size: note?.file_size ?? null,
    n_mime_type: note?.mime_type ?? null,
    n_summary: note?.summary ?? null,
    n_date: note?.date ?? null,
    n_created_at: note?.created_at ?? null,
    n_updated_at: note?.updated_at ?? null,
    c_id: course?.id ?? null,
    c_name: course?.name ?? null,
    c_color: course?.color ?? null,
    c_emoji: course?.emoji ?? null,
  })
}

export function toJob(row: JobViewRow): Job {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    progress: row.progress,
    source: row.source,
    errorMessage: row.error_message,
    errorCode: row.error_code,
    stage: row.stage,
    userId: row.user_id,
    noteId: row.note_id,
    courseId: row.course_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
    note: row.n_id ? toNoteInfo(row) : null,
  }
}

function toNoteInfo(row: JobViewRow): NoteInfo {
  return {
    id: row.n_id as string,
    title: row.n_title as string,
    status: row.n_status as string,
    duration: row.n_duration,
    fileSize: row.n_file_size,
    mimeType: row.n_mime_type,
    summary: row.n_summary,
    date: row.n_date,
    createdAt: iso(row.n_created_at as Date),
    updatedAt: iso(row.n_updated_at as Date),
    course: row.c_id
      ? { id: row.c_id, name: row.c_name as string, color: row.c_color, emoji: row.c_emoji }
      : null,
  }
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString()
}
