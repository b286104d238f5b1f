import { type Kysely, sql } from 'kysely'

/**
 * Indexes for the Notes and Courses APIs. Each list is one user's, ordered by one key with the
 * id breaking ties, like the jobs lists; titles and names sort case-insensitively.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notes_user_updated_idx on notes (user_id, updated_at, id)`.execute(db)
  await sql`create index notes_user_title_idx on notes (user_id, lower(title), id)`.execute(db)
  await sql`create index notes_user_course_created_idx
    on notes (user_id, course_id, created_at, id)`.execute(db)
  await sql`create index courses_user_name_idx on courses (user_id, lower(name), id)`.execute(db)
  await sql`create index courses_user_created_idx on courses (user_id, created_at, id)`.execute(db)
  await sql`create index courses_user_updated_idx on courses (user_id, updated_at, id)`.execute(db)

  // Deleting a course sets course_id null in notes and jobs (`on delete set null`); without
  // these, each delete would scan both tables.
  await sql`create index notes_course_idx on notes (course_id)
    where course_id is not null`.execute(db)
  await sql`create index jobs_course_idx on jobs (course_id)
    where course_id is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const indexes = [
    'notes_user_updated_idx',
    'notes_user_title_idx',
    'notes_user_course_created_idx',
    'courses_user_name_idx',
    'courses_user_created_idx',
    'courses_user_updated_idx',
    'notes_course_idx',
    'jobs_course_idx',
  ]
  for (const name of indexes) await db.schema.dropIndex(name).ifExists().execute()
}
