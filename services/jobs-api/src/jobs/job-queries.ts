import type { Job, JobStats, ListJobsQuery } from '@tella/contracts'
import type { Kysely, OrderByItemBuilder } from 'kysely'
import type { Database } from '../db/schema.ts'
import { CompiledShapes } from './compiled-shapes.ts'
import { JobCounts } from './job-counts.ts'
import { iso, type JobViewRow, selectJobViews, toJob } from './job-view.ts'

const sortColumns = {
  createdAt: 'j.created_at',
  updatedAt: 'j.updated_at',
  completedAt: 'j.completed_at',
} as const

const recentJobsShown = 5

/** The read side of the Jobs API. Every query is scoped to one user. */
export class JobQueries {
  private readonly counts: JobCounts
  private readonly oneJob = new CompiledShapes<'userId' | 'jobId'>()
  private readonly pages = new CompiledShapes<'userId' | 'limit' | 'offset'>()

  constructor(private readonly db: Kysely<Database>) {
    this.counts = new JobCounts(db)
  }

  async findJob(userId: string, jobId: string): Promise<Job | null> {
    const query = this.oneJob.get('job', (mark) =>
      selectJobViews(this.db)
        .where('j.id', '=', mark<string>('jobId'))
        .where('j.user_id', '=', mark<string>('userId'))
        .compile(),
    )
    const { rows } = await this.db.executeQuery(this.oneJob.bind(query, { userId, jobId }))
    const row = rows[0]
    return row ? toJob(row) : null
  }

  async listJobs(userId: string, query: ListJobsQuery): Promise<{ jobs: Job[]; total: number }> {
    const { status, source, sortBy, sortOrder } = query
    const page = this.pages.get(`list ${status} ${source} ${sortBy} ${sortOrder}`, (mark) => {
      let filtered = this.db.selectFrom('jobs as j').where('j.user_id', '=', mark<string>('userId'))
      // The filters' values are few and part of the shape, so each gets its own plan.
      if (status) filtered = filtered.where('j.status', '=', status)
      if (source) filtered = filtered.where('j.source', '=', source)

      const column = sortColumns[sortBy]
      // Jobs that never completed sort after the rest in either direction. Only completed_at
      // can be null: saying NULLS LAST of the other two would keep Postgres from walking
      // their indexes backwards, and make it sort all of the user's jobs for every page.
      const order = (builder: OrderByItemBuilder) => {
        const ordered = sortOrder === 'asc' ? builder.asc() : builder.desc()
        return sortBy === 'completedAt' ? ordered.nullsLast() : ordered
      }
      const ids = filtered
        .select('j.id')
        .orderBy(column, order)
        .orderBy('j.id', sortOrder)
        .limit(mark<number>('limit'))
        .offset(mark<number>('offset'))
      return selectJobViews(this.db)
        .innerJoin(ids.as('page'), 'page.id', 'j.id')
        .orderBy(column, order)
        .orderBy('j.id', sortOrder)
        .compile()
    })

    const values = { userId, limit: query.limit, offset: query.offset }
    const [{ rows }, total] = await Promise.all([
      this.db.executeQuery<JobViewRow>(this.pages.bind(page, values)),
      this.counts.total(userId, query),
    ])
    return { jobs: rows.map(toJob), total }
  }

  async stats(userId: string): Promise<JobStats> {
    const [counts, recent] = await Promise.all([
      this.counts.byStatus(userId),
      this.db
        .selectFrom('jobs')
        .where('user_id', '=', userId)
        .select(['id', 'title', 'status', 'progress', 'source', 'created_at', 'completed_at'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(recentJobsShown)
        .execute(),
    ])

    const pending = counts.PENDING
    const inProgress = counts.IN_PROGRESS
    const completed = counts.COMPLETED
    const failed = counts.FAILED
    const total = pending + inProgress + completed + failed
    return {
      total,
      byStatus: { pending, inProgress, completed, failed },
      // Share of all the user's jobs that completed, as in the reference (40 of 45 → 89).
      successRate: total === 0 ? 0 : Math.round((completed / total) * 100),
      recentJobs: recent.map((row) => ({
        id: row.id,
        title: row.title,
        status: row.status,
        progress: row.progress,
        source: row.source,
        createdAt: iso(row.created_at),
        completedAt: row.completed_at ? iso(row.completed_at) : null,
      })),
      // The user's view of the queue: waiting to start, being processed, and finished.
      queueStats: { waiting: pending, active: inProgress, completed, failed, total },
    }
  }
}
