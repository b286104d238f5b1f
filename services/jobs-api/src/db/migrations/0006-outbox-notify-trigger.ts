import { type Kysely, sql } from 'kysely'

/**
 * Wakes the outbox relay from the database itself: a statement-level trigger notifies the
 * relay's channel for every insert into `outbox`, so writers no longer send a `pg_notify`
 * of their own, one round trip fewer for each message on a job's path. The notification is
 * delivered at commit, and identical ones of one transaction are delivered once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('imports_outbox', '');
      return null;
    end
  $$`.execute(db)
  await sql`create trigger outbox_notify after insert on outbox
    for each statement execute function outbox_notify()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists outbox_notify on outbox`.execute(db)
  await sql`drop function if exists outbox_notify()`.execute(db)
}
