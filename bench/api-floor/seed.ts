import type pg from 'pg'

/** Who the seeded jobs belong to. */
export const seedShape = {
  users: 10_000,
  jobsPerUser: 90,
  heavyUser: 'bench_heavy',
  heavyJobs: 100_000,
  coursesPerUser: 3,
}

export type SeedShape = typeof seedShape

export function userId(index: number): string {
  return `bench_u${index}`
}

/**
 * One million jobs in a few set-wise statements: 90 for each of ten thousand users and
 * 100,000 for one heavy user, with a realistic mix (most completed, some failed, a few still
 * running), both sources, a year of creation times, a note for every completed job and a
 * course for about half of them. `setseed` makes every run seed the same data.
 */
export async function seedJobs(client: pg.ClientBase, shape = seedShape): Promise<void> {
  const { users, jobsPerUser, heavyUser, heavyJobs, coursesPerUser } = shape
  await client.query('select setseed(0.42)')
  // Loading first and indexing after is several times faster than a million index insertions
  // in random order; the indexes are the migrations' own, read back from the catalogue.
  const indexes = await dropSecondaryIndexes(client, ['jobs', 'notes'])

  await client.query(
    `insert into courses (id, user_id, name, color, emoji, created_at, updated_at)
     select 'course_b' || u || 'c' || c, owner, 'Course ' || c, 'green', null,
       now() - interval '400 days', now() - interval '400 days'
     from (select g as u, 'bench_u' || g as owner from generate_series(1, $1::int) g
           union all select 0, $2::text) users,
       generate_series(1, $3::int) c`,
    [users, heavyUser, coursesPerUser],
  )

  // One row per job: n numbers the jobs, u the owner (0 is the heavy user), r a random draw
  // that picks the status and source, age the creation time.
  await client.query(
    `create temporary table seed_rows as
     select n, u, case when u = 0 then $2::text else 'bench_u' || u end as owner,
       random() as r, random() as s,
       now() - (random() * interval '365 days') as created
     from (
       select g as n, (g - 1) % $1::int + 1 as u from generate_series(1, $1::int * $3::int) g
       union all
       select $1::int * $3::int + g, 0 from generate_series(1, $4::int) g
     ) jobs`,
    [users, heavyUser, jobsPerUser, heavyJobs],
  )

  await client.query(
    `insert into jobs (id, user_id, title, note_title, status, progress, source, stage, attempt,
       error_code, error_message, note_id, course_id, source_url, file_name, duration_sec,
       file_size, mime_type, created_at, updated_at, completed_at)
     select 'job_b' || n, owner, 'Processing: Lecture ' || n, 'Lecture ' || n, status,
       case status when 'COMPLETED' then 100 when 'IN_PROGRESS' then 25 + (n % 50)
         else 0 end,
       source,
       case status when 'COMPLETED' then 'note' when 'IN_PROGRESS' then 'transcribe'
         when 'FAILED' then 'transcribe' else 'download' end,
       1,
       case when status = 'FAILED' then 'TRANSCRIPTION_FAILED' end,
       case when status = 'FAILED' then 'Transcription failed' end,
       case when status = 'COMPLETED' then 'note_b' || n end,
       case when s < 0.5 then 'course_b' || u || 'c' || (n % 3 + 1) end,
       case when source = 'YOUTUBE' then 'https://www.youtube.com/watch?v=abcdefghijk' end,
       case when source = 'UPLOAD' then 'lecture-' || n || '.mp3' end,
       case when status = 'COMPLETED' then 1800 + n % 1800 end,
       case when status = 'COMPLETED' then 20000000 + n end,
       case when status = 'COMPLETED' then 'audio/mpeg' end,
       created,
       created + interval '4 minutes',
       case when status = 'COMPLETED' then created + interval '4 minutes' end
     from (
       select *,
         case when r < 0.80 then 'COMPLETED' when r < 0.92 then 'FAILED'
           when r < 0.97 then 'IN_PROGRESS' else 'PENDING' end as status,
         case when s < 0.6 then 'YOUTUBE' else 'UPLOAD' end as source
       from seed_rows
     ) rows`,
  )

  await client.query(
    `insert into notes (id, user_id, job_id, course_id, title, status, duration_sec, file_size,
       mime_type, summary, transcript_text, date, created_at, updated_at)
     select note_id, user_id, id, course_id, note_title, 'COMPLETED', duration_sec, file_size,
       mime_type, 'A lecture about cells, their division and what mitosis is for.',
       'Cells divide. They divide again.', to_char(created_at, 'YYYY-MM-DD'),
       completed_at, completed_at
     from jobs where note_id is not null`,
  )
  await client.query('drop table seed_rows')
  await client.query(`set maintenance_work_mem = '256MB'`)
  for (const definition of indexes) await client.query(definition)
  // Fresh statistics, and a visibility map so that counts can be answered from indexes.
  await client.query('vacuum (analyze) courses, jobs, notes')
}

/** Drops the indexes that back no constraint; returns their definitions to recreate them. */
async function dropSecondaryIndexes(client: pg.ClientBase, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     where i.indrelid = any($1::regclass[])
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  )
  for (const row of rows) await client.query(`drop index ${row.name}`)
  return rows.map((row) => row.definition)
}
