import type { ListJobsQuery } from '@tella/contracts'
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { Database } from '../../services/jobs-api/src/db/schema.ts'
import { JobQueries } from '../../services/jobs-api/src/jobs/job-queries.ts'

export interface CapturedQuery {
  sql: string
  parameters: readonly unknown[]
}

export type ApiCall =
  | { kind: 'list'; query: ListJobsQuery }
  | { kind: 'get'; jobId: string }
  | { kind: 'stats' }

/**
 * Records the statements jobs-api's own `JobQueries` sends for a call, so that the floor runs
 * exactly the SQL the service runs, whatever shape job-queries.ts gives it.
 */
export class SqlRecorder {
  private current: CapturedQuery[] | undefined
  private turn: Promise<unknown> = Promise.resolve()
  private readonly queries: JobQueries

  constructor(pool: pg.Pool) {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level !== 'query') return
        this.current?.push({ sql: event.query.sql, parameters: event.query.parameters })
      },
    })
    this.queries = new JobQueries(db)
  }

  /** The statements answering `call` for `userId`; recordings run one at a time. */
  record(userId: string, call: ApiCall): Promise<CapturedQuery[]> {
    const recording = this.turn.then(async () => {
      this.current = []
      try {
        if (call.kind === 'list') await this.queries.listJobs(userId, call.query)
        if (call.kind === 'get') await this.queries.findJob(userId, call.jobId)
        if (call.kind === 'stats') await this.queries.stats(userId)
        return this.current
      } finally {
        this.current = undefined
      }
    })
    this.turn = recording.catch(() => undefined)
    return recording
  }
}

/** Swaps the recorded user and job id for another request's, leaving the SQL as it was. */
export function rebind(
  queries: CapturedQuery[],
  from: { userId: string; jobId?: string },
  to: { userId: string; jobId?: string },
): CapturedQuery[] {
  return queries.map((query) => ({
    sql: query.sql,
    parameters: query.parameters.map((value) => {
      if (value === from.userId) return to.userId
      if (from.jobId !== undefined && value === from.jobId) return to.jobId
      return value
    }),
  }))
}

/** The list query as the route sees it after validation: defaults applied. */
export function listQueryFrom(search: URLSearchParams): ListJobsQuery {
  const query: ListJobsQuery = {
    limit: Number(search.get('limit') ?? 20),
    offset: Number(search.get('offset') ?? 0),
    sortBy: (search.get('sortBy') ?? 'createdAt') as ListJobsQuery['sortBy'],
    sortOrder: (search.get('sortOrder') ?? 'desc') as ListJobsQuery['sortOrder'],
  }
  const status = search.get('status')
  const source = search.get('source')
  if (status) query.status = status as NonNullable<ListJobsQuery['status']>
  if (source) query.source = source as NonNullable<ListJobsQuery['source']>
  return query
}
