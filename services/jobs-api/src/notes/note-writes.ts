import { CodedError, type NoteDetail, type UpdateNoteBody } from '@tella/contracts'
import type { Kysely, Transaction, Updateable } from 'kysely'
import { assertCourseOwned } from '../courses/course-store.ts'
import type { Database, NotesTable } from '../db/schema.ts'
import { cleanTitle } from '../imports/note-title.ts'
import { selectNoteDetails, toNoteDetail } from './note-view.ts'

type Trx = Transaction<Database>

/** The write side of the Notes API: renaming, filing under a course, deleting. */
export class NoteWrites {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Changes the fields given and answers the note as it now is. A course must be the user's,
   * and stays locked until the commit so a concurrent delete of it cannot slip in between.
   * The job that made the note is filed under the same course in the same commit: a job's
   * `courseId` and its `note.course` never disagree.
   */
  async update(userId: string, noteId: string, body: UpdateNoteBody): Promise<NoteDetail> {
    const changes: Updateable<NotesTable> = { updated_at: new Date() }
    if (body.title !== undefined) {
      const title = cleanTitle(body.title)
      if (!title) throw new CodedError('NOTE_TITLE_INVALID')
      changes.title = title
    }

    return this.db.transaction().execute(async (trx) => {
      const note = await lockNote(trx, userId, noteId)
      if (body.courseId !== undefined) {
        if (body.courseId !== null) await assertCourseOwned(trx, userId, body.courseId, true)
        changes.course_id = body.courseId
      }
      await trx.updateTable('notes').set(changes).where('id', '=', noteId).execute()
      if (body.courseId !== undefined && note.job_id) {
        // Like a deleted course, a refiled note leaves the job's processing history (and its
        // updatedAt) as it was.
        await trx
          .updateTable('jobs')
          .set({ course_id: body.courseId })
          .where('id', '=', note.job_id)
          .execute()
      }
      const row = await selectNoteDetails(trx).where('n.id', '=', noteId).executeTakeFirstOrThrow()
      return toNoteDetail(row)
    })
  }

  /**
   * Deletes a note; the job that made it stays, with no note. Jobs are linked from the note's
   * `job_id`, so clearing the job's side is a lookup by primary key.
   */
  async delete(userId: string, noteId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const note = await lockNote(trx, userId, noteId)
      await trx.deleteFrom('notes').where('id', '=', noteId).execute()
      if (note.job_id) {
        await trx
          .updateTable('jobs')
          .set({ note_id: null })
          .where('id', '=', note.job_id)
          .where('note_id', '=', noteId)
          .execute()
      }
    })
  }
}

async function lockNote(trx: Trx, userId: string, noteId: string) {
  const note = await trx
    .selectFrom('notes')
    .select(['id', 'job_id'])
    .where('id', '=', noteId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst()
  if (!note) throw new CodedError('NOTE_NOT_FOUND')
  return note
}
