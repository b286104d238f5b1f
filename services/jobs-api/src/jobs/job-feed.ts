import type { Job } from '@tella/contracts'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { selectJobViews, toJob } from './job-view.ts'

/** A job's version for streams: rises with every change a client can see. */
export function jobVersion(job: Job): string {
  return `${Date.parse(job.updatedAt)}-${job.progress}`
}

/** Reads what live streams send: one job, or a user's active and recently changed jobs. */
export class JobFeed {
  constructor(private readonly db: Kysely<Database>) {}

  async job(userId: string, jobId: string): Promise<Job | null> {
    const row = await selectJobViews(this.db)
      .where('j.id', '=', jobId)
      .where('j.user_id', '=', userId)
      .executeTakeFirst()
    return row ? toJob(row) : null
  }

  /** Active jobs (whose progress moves without touching updated_at) and any changed since. */
  async activeOrChangedSince(userId: string, since: Date): Promise<Job[]> {
    const rows = await selectJobViews(this.db)
      .where('j.user_id', '=', userId)
      .where((eb) =>
        eb.or([eb('j.status', 'in', ['PENDING', 'IN_PROGRESS']), eb('j.updated_at', '>', since)]),
      )
      .orderBy('j.updated_at')
      .limit(500)
      .execute()
    return rows.map(toJob)
  }
}
