import type { JobSource, JobStatus } from '@tella/contracts'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'
import { CompiledShapes } from './compiled-shapes.ts'

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
  private readonly shapes = new CompiledShapes<'userId'>()

  constructor(private readonly db: Kysely<Database>) {}

  /** How many of the user's jobs match the filter: a list's `total`. */
  async total(userId: string, filter: CountFilter): Promise<number> {
    const query = this.shapes.get(`total ${filter.status} ${filter.source}`, (mark) => {
      const columns = statuses
        .filter((status) => !filter.status || filter.status === status)
        .flatMap((status) =>
          sources
            .filter((source) => !filter.source || filter.source === source)
            .map((source) => sql.ref(column(status, source))),
        )
      return sql<{ total: string | number }>`
        select ${sql.join(columns, sql` + `)} as total from job_counts
        where user_id = ${mark('userId')}`.compile(this.db)
    })
    const { rows } = await this.db.executeQuery(this.shapes.bind(query, { userId }))
    return Number(rows[0]?.total ?? 0)
  }

  /** The user's jobs by status, both sources together. */
  async byStatus(userId: string): Promise<Record<JobStatus, number>> {
    const query = this.shapes.get('by status', (mark) => {
      const sums = statuses.map(
        (status) =>
          sql`${sql.join(
            sources.map((source) => sql.ref(column(status, source))),
            sql` + `,
          )} as ${sql.ref(status)}`,
      )
      return sql<Record<JobStatus, string | number>>`
        select ${sql.join(sums)} from job_counts where user_id = ${mark('userId')}`.compile(this.db)
    })
    const { rows } = await this.db.executeQuery(this.shapes.bind(query, { userId }))
    const row = rows[0]
    return Object.fromEntries(
      statuses.map((status) => [status, Number(row?.[status] ?? 0)]),
    ) as Record<JobStatus, number>
  }
}

function column(status: JobStatus, source: JobSource): string {
  return `${status}_${source}`.toLowerCase()
}
