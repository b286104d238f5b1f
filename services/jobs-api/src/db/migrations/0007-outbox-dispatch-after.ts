import { type Kysely, sql } from 'kysely'

/**
 * Rows their writer publishes itself right after the commit (the outbox fast path) are
 * inserted held: `dispatch_after` lies one hold ahead. The relay claims only rows that are due,
 * and the trigger wakes it only for those, so it neither races the writer nor wakes for rows
 * the writer is sending; a held row that is still there once due (its writer crashed after the
 * commit, or NATS was away) is the relay's. Rows written without a hold are due at once.
 *
 * The trigger stays one call per statement, with the inserted rows as a transition table:
 * only they say whether any row is due, and a row trigger would run once for each of the
 * thousands of `started` events a burst of progress can write in one statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A stable default: existing rows get the migration's time, with no table rewrite.
  await sql`alter table outbox
    add column dispatch_after timestamptz not null default now()`.execute(db)
  await sql`create function outbox_notify_due() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from inserted where dispatch_after <= now()) then
        perform pg_notify('imports_outbox', '');
      end if;
      return null;
    end
  $$`.execute(db)
  await sql`drop trigger outbox_notify on outbox`.execute(db)
  await sql`create trigger outbox_notify after insert on outbox
    referencing new table as inserted
    for each statement execute function outbox_notify_due()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists outbox_notify on outbox`.execute(db)
  await sql`drop function if exists outbox_notify_due()`.execute(db)
  await sql`create trigger outbox_notify after insert on outbox
    for each statement execute function outbox_notify()`.execute(db)
  await sql`alter table outbox drop column dispatch_after`.execute(db)
}
