import { type Kysely, sql } from 'kysely'

/** Jobs, notes, courses and the transactional outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('courses')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('color', 'text')
    .addColumn('emoji', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('courses_user_idx').on('courses').column('user_id').execute()

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('note_title', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')`),
    )
    .addColumn('progress', 'smallint', (col) =>
      col.notNull().defaultTo(0).check(sql`progress between 0 and 100`),
    )
    .addColumn('source', 'text', (col) => col.notNull().check(sql`source in ('YOUTUBE', 'UPLOAD')`))
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('attempt', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('note_id', 'text')
    .addColumn('course_id', 'text', (col) => col.references('courses.id').onDelete('set null'))
    .addColumn('source_url', 'text')
    .addColumn('file_name', 'text')
    .addColumn('duration_sec', 'double precision')
    .addColumn('file_size', 'bigint')
    .addColumn('mime_type', 'text')
    .addColumn('transcript', 'jsonb')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute()
  // Room on each page for progress updates in place (HOT): progress changes many times per
  // job and touches no index.
  await sql`alter table jobs set (fillfactor = 80)`.execute(db)

  // Every list is one user's, filtered by status or source and ordered by one timestamp;
  // the id breaks ties so pages are stable.
  for (const column of ['created_at', 'updated_at', 'completed_at']) {
    await sql`create index ${sql.raw(`jobs_user_${column}_idx`)}
      on jobs (user_id, ${sql.ref(column)}, id)`.execute(db)
    await sql`create index ${sql.raw(`jobs_user_status_${column}_idx`)}
      on jobs (user_id, status, ${sql.ref(column)}, id)`.execute(db)
    await sql`create index ${sql.raw(`jobs_user_source_${column}_idx`)}
      on jobs (user_id, source, ${sql.ref(column)}, id)`.execute(db)
  }
  await sql`create unique index jobs_user_idempotency_idx on jobs (user_id, idempotency_key)
    where idempotency_key is not null`.execute(db)

  await db.schema
    .createTable('notes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('job_id', 'text', (col) => col.unique().references('jobs.id').onDelete('set null'))
    .addColumn('course_id', 'text', (col) => col.references('courses.id').onDelete('set null'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('duration_sec', 'double precision')
    .addColumn('file_size', 'bigint')
    .addColumn('mime_type', 'text')
    .addColumn('summary', 'text')
    .addColumn('key_points', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('transcript_text', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('transcript_segments', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('transcript_empty', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('date', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index notes_user_created_idx on notes (user_id, created_at, id)`.execute(db)

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('msg_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox', 'notes', 'jobs', 'courses']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
