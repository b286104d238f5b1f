import { type Kysely, sql } from 'kysely'

/** The counters, one column per status and source: `completed_upload` and so on. */
export const jobCountColumns = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'].flatMap((status) =>
  ['YOUTUBE', 'UPLOAD'].map((source) => `${status}_${source}`.toLowerCase()),
)

/**
 * Per-user job counts kept by Postgres itself, so that a list's `total` and the stats cost the
 * same for a user with 100,000 jobs as for one with ten; and the indexes that let a list
 * sorted by `completedAt` descending (unfinished jobs last) stop after one page.
 *
 * Why a deferred trigger: it runs at commit, after the transaction took all of its job row
 * locks, and touches one counter row per user. A single-user change (create, cancel, delete)
 * therefore never waits for a counter while holding one, and cannot deadlock with folding.
 * Progress updates leave status and source alone, so they queue no trigger event at all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const counters = jobCountColumns.map((column) => sql.raw(`${column} bigint not null default 0`))
  await sql`create table job_counts (
    user_id text primary key,
    ${sql.join(counters)}
  )`.execute(db)
  // Counters change in place (HOT): no index covers them.
  await sql`alter table job_counts set (fillfactor = 70)`.execute(db)

  const cell = (column: string) => {
    const [status, source] = splitColumn(column)
    return sql.raw(`case when status = '${status}' and source = '${source}' then delta else 0 end`)
  }
  const added = jobCountColumns.map((column) =>
    sql.raw(`${column} = c.${column} + excluded.${column}`),
  )
  await sql`create function job_counts_add(owner text, status text, source text, delta integer)
    returns void language sql as $$
      insert into job_counts as c values (owner, ${sql.join(jobCountColumns.map(cell))})
      on conflict (user_id) do update set ${sql.join(added)}
    $$`.execute(db)
  await sql`create function job_counts_change() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        perform job_counts_add(old.user_id, old.status, old.source, -1);
      end if;
      if tg_op <> 'DELETE' then
        perform job_counts_add(new.user_id, new.status, new.source, 1);
      end if;
      return null;
    end
  $$`.execute(db)

  await sql`create constraint trigger job_counts_insert_delete after insert or delete on jobs
    deferrable initially deferred for each row execute function job_counts_change()`.execute(db)
  await sql`create constraint trigger job_counts_update after update of user_id, status, source
    on jobs deferrable initially deferred for each row
    when (old.status is distinct from new.status or old.source is distinct from new.source
      or old.user_id is distinct from new.user_id)
    execute function job_counts_change()`.execute(db)

  // The triggers hold a lock on jobs that keeps writers out until this commits, so the
  // counts taken now miss nothing.
  const counted = jobCountColumns.map((column) => {
    const [status, source] = splitColumn(column)
    return sql.raw(`count(*) filter (where status = '${status}' and source = '${source}')`)
  })
  await sql`insert into job_counts select user_id, ${sql.join(counted)} from jobs
    group by user_id`.execute(db)

  // `completed_at desc nulls last` is not the reverse of the ascending index's order.
  for (const prefix of [[], ['status'], ['source']]) {
    const name = ['jobs_user', ...prefix, 'completed_desc_idx'].join('_')
    const keys = ['user_id', ...prefix, 'completed_at desc nulls last', 'id desc'].join(', ')
    await sql`create index ${sql.raw(name)} on jobs (${sql.raw(keys)})`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'jobs_user_completed_desc_idx',
    'jobs_user_status_completed_desc_idx',
    'jobs_user_source_completed_desc_idx',
  ]) {
    await db.schema.dropIndex(name).ifExists().execute()
  }
  await sql`drop trigger if exists job_counts_update on jobs`.execute(db)
  await sql`drop trigger if exists job_counts_insert_delete on jobs`.execute(db)
  await sql`drop function if exists job_counts_change()`.execute(db)
  await sql`drop function if exists job_counts_add(text, text, text, integer)`.execute(db)
  await db.schema.dropTable('job_counts').ifExists().execute()
}

function splitColumn(column: string): [string, string] {
  const source = column.endsWith('_youtube') ? 'YOUTUBE' : 'UPLOAD'
  return [column.slice(0, column.lastIndexOf('_')).toUpperCase(), source]
}
