import type { JobSource, JobStatus } from '@tella/contracts'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

const statuses: readonly JobStatus[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED']
const sources: readonly JobSource[] = ['YOUTUBE', 'UPLOAD']

export interface CountFilter {
  status?: JobStatus | undefined
  source?: JobSource | undefined
}

/**
 * A user's job counts, read from the one `job_counts` row that triggers keep for them
 * (migration 0003): constant time however many jobs the user has. The row changes in the
 * same commit as the jobs, so counts and lists agree.
 */
export class JobCounts {
  constructor(private readonly db: Kysely<Database>) {}

  /** How many of the user's jobs match the filter: a list's `total`. */
  async total(userId: string, filter: CountFilter): Promise<number> {
    const columns = statuses
      .filter((status) => !filter.status || filter.status === status)
      .flatMap((status) =>
        sources
          .filter((source) => !filter.source || filter.source === source)
          .map((source) => sql.ref(column(status, source))),
      )
    const { rows } = await sql<{ total: string | number }>`
      select ${sql.join(columns, sql` + `)} as total from job_counts
      where user_id = ${userId}`.execute(this.db)
    return Number(rows[0]?.total ?? 0)
  }

  /** The user's jobs by status, both sources together. */
  async byStatus(userId: string): Promise<Record<JobStatus, number>> {
    const sums = statuses.map(
      (status) =>
        sql`${sql.join(
          sources.map((source) => sql.ref(column(status, source))),
          sql` + `,
        )} as ${sql.ref(status)}`,
    )
    const { rows } = await sql<Record<JobStatus, string | number>>`
      select ${sql.join(sums)} from job_counts where user_id = ${userId}`.execute(this.db)
    const row = rows[0]
    return Object.fromEntries(
      statuses.map((status) => [status, Number(row?.[status] ?? 0)]),
    ) as Record<JobStatus, number>
  }
}

function column(status: JobStatus, source: JobSource): string {
  return `${status}_${source}`.toLowerCase()
}
