import type { NoteDetail } from '@tella/contracts'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { iso } from '../jobs/job-view.ts'

/** Reads notes with their course, transcript and summary; scoped to one user. */
export class NoteQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async findNote(userId: string, noteId: string): Promise<NoteDetail | null> {
    const row = await this.db
      .selectFrom('notes as n')
      .leftJoin('courses as c', 'c.id', 'n.course_id')
      .selectAll('n')
      .select(['c.id as c_id', 'c.name as c_name', 'c.color as c_color', 'c.emoji as c_emoji'])
      .where('n.id', '=', noteId)
      .where('n.user_id', '=', userId)
      .executeTakeFirst()
    if (!row) return null

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
      course: row.c_id
        ? { id: row.c_id, name: row.c_name as string, color: row.c_color, emoji: row.c_emoji }
        : null,
      jobId: row.job_id,
      keyPoints: row.key_points,
      transcript: {
        text: row.transcript_text,
        segments: row.transcript_segments as NoteDetail['transcript']['segments'],
        empty: row.transcript_empty,
      },
    }
  }
}
