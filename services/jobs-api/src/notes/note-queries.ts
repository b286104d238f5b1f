import type { ListNotesQuery, NoteDetail, NoteSummary, TranscriptExport } from '@tella/contracts'
import { type Kysely, sql } from 'kysely'
import { assertCourseOwned } from '../courses/course-store.ts'
import type { Database } from '../db/schema.ts'
import { selectNoteDetails, selectNoteViews, toNoteDetail, toNoteSummary } from './note-view.ts'

const sortKeys = {
  createdAt: sql.ref('n.created_at'),
  updatedAt: sql.ref('n.updated_at'),
  // Case-insensitive, as people read titles; `notes_user_title_idx` serves it.
  title: sql`lower(n.title)`,
} as const

/** The read side of the Notes API. Every query is scoped to one user. */
export class NoteQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async findNote(userId: string, noteId: string): Promise<NoteDetail | null> {
    const row = await selectNoteDetails(this.db)
      .where('n.id', '=', noteId)
      .where('n.user_id', '=', userId)
      .executeTakeFirst()
    return row ? toNoteDetail(row) : null
  }

  /**
   * One page of the user's notes. Filtering by a course that is not the user's answers
   * COURSE_NOT_FOUND rather than an empty page, as every other use of a course id does.
   */
  async listNotes(
    userId: string,
    query: ListNotesQuery,
  ): Promise<{ notes: NoteSummary[]; total: number }> {
    const { courseId } = query
    if (courseId && courseId !== 'none') await assertCourseOwned(this.db, userId, courseId)

    let filtered = this.db.selectFrom('notes as n').where('n.user_id', '=', userId)
    if (courseId === 'none') filtered = filtered.where('n.course_id', 'is', null)
    else if (courseId) filtered = filtered.where('n.course_id', '=', courseId)

    const key = sortKeys[query.sortBy]
    const ids = filtered
      .select('n.id')
      .orderBy(key, query.sortOrder)
      .orderBy('n.id', query.sortOrder)
      .limit(query.limit)
      .offset(query.offset)

    const [rows, count] = await Promise.all([
      selectNoteViews(this.db)
        .innerJoin(ids.as('page'), 'page.id', 'n.id')
        .orderBy(key, query.sortOrder)
        .orderBy('n.id', query.sortOrder)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ])
    return { notes: rows.map(toNoteSummary), total: Number(count.total) }
  }

  /** The timed transcript of one note, with what an export names its file after. */
  async findTranscript(userId: string, noteId: string): Promise<TranscriptExport | null> {
    const row = await this.db
      .selectFrom('notes')
      .select(['id', 'title', 'transcript_text', 'transcript_segments', 'transcript_empty'])
      .where('id', '=', noteId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!row) return null
    return {
      noteId: row.id,
      title: row.title,
      text: row.transcript_text,
      segments: row.transcript_segments as TranscriptExport['segments'],
      empty: row.transcript_empty,
    }
  }
}
