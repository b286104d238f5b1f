import {
  overallProgress,
  type ProgressEvent,
  type StageEvent,
  type TranscriptDocument,
} from '@tella/contracts'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { selectJobViews, toJob } from '../jobs/job-view.ts'
import { type FoldOutcome, foldEvent } from './event-fold.ts'
import { lifecycleMessage, OutboxWrites } from './outbox.ts'

export interface BatchEntry {
  event: StageEvent
  /** The transcribe stage's document, read before the transaction; null for other events. */
  transcript: TranscriptDocument | null
}

type Trx = Transaction<Database>

/**
 * Folds a batch of events in one transaction, with the same rules as `foldEvent`: each job's
 * events apply in arrival order, and a job whose events are all progress of one stage attempt
 * is updated set-wise with only its highest value. Returns one outcome per entry, in order.
 *
 * Limitation: two replicas folding batches that share jobs can deadlock in the set-wise
 * update; Postgres then aborts one, whose batch is redelivered and folded again.
 *
 * Why batches: a commit per event costs a disk flush; at hundreds of progress events a second
 * that, not the SQL, is the limit. The batch's messages go to `outbox`.
 */
export async function foldBatch(
  db: Kysely<Database>,
  entries: BatchEntry[],
  outbox = new OutboxWrites(),
): Promise<FoldOutcome[]> {
  const byJob = new Map<string, number[]>()
  for (const [index, entry] of entries.entries()) {
    const list = byJob.get(entry.event.jobId) ?? []
    list.push(index)
    byJob.set(entry.event.jobId, list)
  }
  const outcomes: FoldOutcome[] = new Array(entries.length).fill('stale')

  const progressOnly: Array<{ event: ProgressEvent; indexes: number[] }> = []
  const ordered: string[] = []
  for (const [jobId, indexes] of byJob) {
    const coalesced = coalesceProgress(indexes.map((index) => entriesAt(entries, index).event))
    if (coalesced) progressOnly.push({ event: coalesced, indexes })
    else ordered.push(jobId)
  }

  await db.transaction().execute(async (trx) => {
    // Jobs with results or failures: the full rules, one event at a time, in id order.
    for (const jobId of ordered.sort()) {
      for (const index of byJob.get(jobId) as number[]) {
        const entry = entriesAt(entries, index)
        outcomes[index] = await foldEvent(trx, entry.event, entry.transcript, outbox)
      }
    }
    const applied = await applyProgress(
      trx,
      outbox,
      progressOnly.map((item) => item.event),
    )
    for (const { event, indexes } of progressOnly) {
      for (const index of indexes) outcomes[index] = applied.has(event.jobId) ? 'applied' : 'stale'
    }
  })
  return outcomes
}

/** The single progress event that stands for a job's events, or null if they need order. */
function coalesceProgress(events: StageEvent[]): ProgressEvent | null {
  let best: ProgressEvent | null = null
  for (const event of events) {
    if (event.kind !== 'progress') return null
    if (best && (best.stage !== event.stage || best.attempt !== event.attempt)) return null
    if (!best || event.fraction > best.fraction) best = event
  }
  return best
}

/**
 * One statement for every progress-only job: fenced by stage and attempt, never lowering
 * progress, never touching a terminal job. `prior` reads the statuses before the update, so
 * the jobs that just started get their `started` lifecycle event: all read in one statement
 * and written in one insert. Returns the jobs changed.
 */
async function applyProgress(
  trx: Trx,
  outbox: OutboxWrites,
  events: ProgressEvent[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set()
  const ids = events.map((event) => event.jobId)
  const stages = events.map((event) => event.stage)
  const attempts = events.map((event) => event.attempt)
  const values = events.map((event) => overallProgress(event.stage, event.fraction))
  // updated_at marks state changes (status, stage), not progress ticks: it is an indexed sort
  // key, and leaving it alone lets Postgres update progress in place (HOT).
  const { rows } = await sql<{ id: string; prior_status: string }>`
    with v as (
      select * from unnest(${ids}::text[], ${stages}::text[], ${attempts}::int[], ${values}::int[])
        as v(id, stage, attempt, progress)
    ),
    prior as (select j.id, j.status from jobs j join v on v.id = j.id),
    changed as (
      update jobs as j
      set status = 'IN_PROGRESS',
        progress = greatest(j.progress, v.progress),
        updated_at = case when j.status = 'PENDING' then now() else j.updated_at end
      from v
      where j.id = v.id and j.stage = v.stage and j.attempt = v.attempt
        and j.status in ('PENDING', 'IN_PROGRESS')
        and (j.progress < v.progress or j.status = 'PENDING')
      returning j.id
    )
    select changed.id, prior.status as prior_status from changed join prior using (id)`.execute(trx)

  const started = rows.filter((row) => row.prior_status === 'PENDING').map((row) => row.id)
  if (started.length > 0) {
    const jobs = await selectJobViews(trx).where('j.id', 'in', started).orderBy('j.id').execute()
    await outbox.insert(
      trx,
      jobs.map((job) => lifecycleMessage('started', toJob(job))),
    )
  }
  return new Set(rows.map((row) => row.id))
}

function entriesAt(entries: BatchEntry[], index: number): BatchEntry {
  return entries[index] as BatchEntry
}
