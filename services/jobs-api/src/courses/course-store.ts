import {
  CodedError,
  type CourseDetail,
  type CreateCourseBody,
  type ListCoursesQuery,
  type UpdateCourseBody,
} from '@tella/contracts'
import { type Kysely, sql, type Transaction, type Updateable } from 'kysely'
import type { CourseRow, CoursesTable, Database } from '../db/schema.ts'
import { newId } from '../jobs/ids.ts'
import { iso } from '../jobs/job-view.ts'
import { courseColor, courseEmoji, courseName } from './course-fields.ts'

const sortKeys = {
  // Case-insensitive, as a course picker lists them; `courses_user_name_idx` serves it.
  name: sql`lower(name)`,
  createdAt: sql.ref('created_at'),
  updatedAt: sql.ref('updated_at'),
} as const

/** The Courses API over the `courses` table. Every query is scoped to one user. */
export class CourseStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(userId: string, body: CreateCourseBody): Promise<CourseDetail> {
    const row = await this.db
      .insertInto('courses')
      .values({
        id: newId('course'),
        user_id: userId,
        name: courseName(body.name),
        color: courseColor(body.color ?? null),
        emoji: courseEmoji(body.emoji ?? null),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    return toCourseDetail(row)
  }

  async find(userId: string, courseId: string): Promise<CourseDetail | null> {
    const row = await this.db
      .selectFrom('courses')
      .selectAll()
      .where('id', '=', courseId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row ? toCourseDetail(row) : null
  }

  async list(
    userId: string,
    query: ListCoursesQuery,
  ): Promise<{ courses: CourseDetail[]; total: number }> {
    const mine = this.db.selectFrom('courses').where('user_id', '=', userId)
    const [rows, count] = await Promise.all([
      mine
        .selectAll()
        .orderBy(sortKeys[query.sortBy], query.sortOrder)
        .orderBy('id', query.sortOrder)
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      mine.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ])
    return { courses: rows.map(toCourseDetail), total: Number(count.total) }
  }

  /** Changes the fields given; null clears a color or an emoji. */
  async update(userId: string, courseId: string, body: UpdateCourseBody): Promise<CourseDetail> {
    const changes: Updateable<CoursesTable> = { updated_at: new Date() }
    if (body.name !== undefined) changes.name = courseName(body.name)
    if (body.color !== undefined) changes.color = courseColor(body.color)
    if (body.emoji !== undefined) changes.emoji = courseEmoji(body.emoji)

    const row = await this.db
      .updateTable('courses')
      .set(changes)
      .where('id', '=', courseId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst()
    if (!row) throw new CodedError('COURSE_NOT_FOUND')
    return toCourseDetail(row)
  }

  /**
   * Deletes a course; its notes and jobs stay, filed under no course. The notes count as
   * changed (their `updatedAt` moves); the jobs' course is cleared by the foreign key and their
   * processing history is left as it was.
   */
  async delete(userId: string, courseId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const course = await trx
        .selectFrom('courses')
        .select('id')
        .where('id', '=', courseId)
        .where('user_id', '=', userId)
        .forUpdate()
        .executeTakeFirst()
      if (!course) throw new CodedError('COURSE_NOT_FOUND')
      await trx
        .updateTable('notes')
        .set({ course_id: null, updated_at: new Date() })
        .where('course_id', '=', courseId)
        .execute()
      await trx.deleteFrom('courses').where('id', '=', courseId).execute()
    })
  }
}

function toCourseDetail(row: CourseRow): CourseDetail {
  return {
    id: row.id,
    name: row.name,
    color: row.color,
    emoji: row.emoji,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

/**
 * Refuses a course id that is not one of the user's courses with COURSE_NOT_FOUND, the same
 * answer for a course that never existed and for another user's, so ids reveal nothing.
 *
 * Inside a transaction, `lock` keeps the course from being deleted until the commit, so a
 * note filed under it never points at a course that is gone.
 */
export async function assertCourseOwned(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  courseId: string,
  lock = false,
): Promise<void> {
  let query = db
    .selectFrom('courses')
    .select('id')
    .where('id', '=', courseId)
    .where('user_id', '=', userId)
  if (lock) query = query.forShare()
  const course = await query.executeTakeFirst()
  if (!course) throw new CodedError('COURSE_NOT_FOUND')
}
