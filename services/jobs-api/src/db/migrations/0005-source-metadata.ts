import type { Kysely } from 'kysely'

/**
 * What the source says about itself: whether the user named the import (a video's own title
 * must not replace theirs) and the date the source gives (a video's upload date, which is the
 * lecture's date more often than the day it was imported).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('title_from_user', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('source_date', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .dropColumn('title_from_user')
    .dropColumn('source_date')
    .execute()
}
