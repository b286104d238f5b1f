import { type JetStreamClient, jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from '../db/schema.ts'
import type { MediaStore } from './media-store.ts'
import { outboxChannel } from './outbox.ts'
import { publishRow } from './outbox-fast-path.ts'

const batchSize = 200
const idlePollMs = 1_000
const failureBackoffMs = 1_000

/**
 * Moves committed outbox rows to NATS. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so
 * replicas share the work, and deleted in the same transaction after the broker acknowledged
 * them: a crash in between republishes, and the message id makes that a no-op at the broker.
 *
 * Rows their writer publishes itself (`OutboxFastPath`) are held: the relay claims a row only
 * once it is due, so it is the backstop for those, and woken only by rows due at once.
 */
export class OutboxRelay {
  private readonly js: JetStreamClient
  private listener: pg.PoolClient | undefined
  private wake: (() => void) | undefined
  /** A notification came since the last drain began: rows may be waiting. */
  private notified = false
  private stopped = false
  private loop: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly pool: pg.Pool,
    nc: NatsConnection,
    private readonly media: MediaStore,
    private readonly logger: Logger,
  ) {
    this.js = jetstream(nc)
  }

  async start(): Promise<void> {
    await this.listen()
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.loop
    const listener = this.listener
    this.listener = undefined
    // Destroyed, not returned to the pool: a LISTENing connection must not serve queries.
    listener?.release(true)
  }

  /**
   * Publishes every row committed and due so far; returns how many rows went out. The rows
   * are deleted and claimed in one statement: a rollback (publish failed, crash) brings them
   * back, and `skip locked` lets another replica take the rows this one does not hold.
   */
  async drainOnce(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = trx
        .selectFrom('outbox')
        .select('id')
        .where('dispatch_after', '<=', sql<Date>`now()`)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
      const rows = await trx
        .deleteFrom('outbox')
        .where('id', 'in', claimed)
        .returningAll()
        .execute()
      if (rows.length === 0) return 0
      // `returning` follows no order; commands of one job go out in the order they were written.
      rows.sort((a, b) => a.id - b.id)
      const acks = rows.map((row) => {
        if (row.kind === 'purge-media') return this.media.removeJob(row.subject)
        return publishRow(this.js, row)
      })
      await Promise.all(acks)
      return rows.length
    })
  }

  private async run(): Promise<void> {
    let failing = false
    while (!this.stopped) {
      try {
        // A LISTEN lost with its connection (Postgres restarted) is taken up again before the
        // next drain, so no notification falls between the drain and the new LISTEN. It used to
        // be retried only after a failed drain: a restart shorter than the 1 s poll, or one that
        // ended between the retry and the drain, left the relay polling for good.
        await this.listen()
        // Cleared before the drain, so a notification that lands while it runs (the row
        // committed after its select) is not lost: without this, that row waited for the
        // next poll, a full second later (bench/pipeline-overhead.ts: p99 of 1 s per hop).
        this.notified = false
        const sent = await this.drainOnce()
        if (failing) this.logger.info('outbox relay recovered')
        failing = false
        if (sent === 0) await this.idle(idlePollMs)
      } catch (error) {
        // One warning per outage, not one a second while the database or broker is away.
        if (!failing) this.logger.warn({ err: error }, 'outbox relay failed, retrying')
        else this.logger.debug({ err: error }, 'outbox relay still failing')
        failing = true
        // New rows do not cut the back-off short while the broker or database is failing.
        this.notified = false
        await this.idle(failureBackoffMs)
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.stopped || this.notified) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }

  /**
   * LISTEN on a dedicated connection, unless one is held already; while it is lost the relay
   * still polls every second.
   */
  private async listen(): Promise<void> {
    if (this.listener || this.stopped) return
    const client = await this.pool.connect()
    client.on('notification', () => {
      this.notified = true
      this.wake?.()
    })
    client.on('error', (error) => {
      // Only a connection still held here is released; one released by `stop` is the pool's.
      if (this.listener !== client) return
      this.logger.warn({ err: error }, 'outbox relay lost its LISTEN connection')
      this.listener = undefined
      client.release(true)
    })
    try {
      await client.query(`LISTEN ${outboxChannel}`)
    } catch (error) {
      client.release(true)
      throw error
    }
    this.listener = client
  }
}
