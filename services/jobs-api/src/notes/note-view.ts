import type { Course, NoteDetail, NoteSummary } from '@tella/contracts'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { iso } from '../jobs/job-view.ts'

type Db = Kysely<Database> | Transaction<Database>

/**
 * Selects notes with their course: what lists and single notes show, in one query. The
 * transcript columns are left to `selectNoteDetails`, since a list never shows them.
 */
export function selectNoteViews(db: Db) {
  return db
    .selectFrom('notes as n')
    .leftJoin('courses as c', 'c.id', 'n.course_id')
    .select([
      'n.id',
      'n.title',
      'n.status',
      'n.duration_sec',
      'n.file_size',
      'n.mime_type',
      'n.summary',
      'n.date',
      'n.created_at',
      'n.updated_at',
      'n.job_id',
      'c.id as c_id',
      'c.name as c_name',
      'c.color as c_color',
      'c.emoji as c_emoji',
    ])
}

/** A note with its summary, key points and timed transcript. */
export function selectNoteDetails(db: Db) {
  return selectNoteViews(db).select([
    'n.key_points',
    'n.transcript_text',
    'n.transcript_segments',
    'n.transcript_empty',
  ])
}

type NoteViewRow = Awaited<
  ReturnType<ReturnType<typeof selectNoteViews>['executeTakeFirstOrThrow']>
>
type NoteDetailRow = Awaited<
  ReturnType<ReturnType<typeof selectNoteDetails>['executeTakeFirstOrThrow']>
>

export function toNoteSummary(row: NoteViewRow): NoteSummary {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    duration: row.duration_sec,
    fileSize: row.file_size,
    mimeType: row.mime_type,
    summary: row.summary,
    date: row.date,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    course: toCourse(row),
    jobId: row.job_id,
  }
}

export function toNoteDetail(row: NoteDetailRow): NoteDetail {
  return {
    ...toNoteSummary(row),
    keyPoints: row.key_points,
    transcript: {
      text: row.transcript_text,
      segments: row.transcript_segments as NoteDetail['transcript']['segments'],
      empty: row.transcript_empty,
    },
  }
}

function toCourse(row: NoteViewRow): Course | null {
  if (!row.c_id) return null
  return { id: row.c_id, name: row.c_name as string, color: row.c_color, emoji: row.c_emoji }
}
