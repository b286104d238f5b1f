import type pg from 'pg'
import { type ApiCall, SqlRecorder } from './capture.ts'

export interface PlanReport {
  label: string
  text: string
  /** Sequential scans of the jobs table, which no per-user query may need. */
  fullScans: number
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement jobs-api sends for `call`, recorded from its
 * own query code, so the plans shown are the plans served.
 */
export async function explainCall(
  pool: pg.Pool,
  label: string,
  userId: string,
  call: ApiCall,
): Promise<PlanReport> {
  const queries = await new SqlRecorder(pool).record(userId, call)
  const parts: string[] = []
  let fullScans = 0
  for (const query of queries) {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>({
      text: `explain (analyze, buffers) ${query.sql}`,
      values: query.parameters as unknown[],
    })
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n')
    fullScans += (plan.match(/Seq Scan on jobs\b/gu) ?? []).length
    parts.push(`${query.sql}\n${plan}`)
  }
  return { label, text: parts.join('\n\n'), fullScans }
}
