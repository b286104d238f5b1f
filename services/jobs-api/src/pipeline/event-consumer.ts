import { type ConsumerMessages, type JsMsg, jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  CodedError,
  consumers,
  type StageEvent,
  StageEvent as StageEventSchema,
  streams,
  TranscriptDocument,
} from '@tella/contracts'
import { decodeJson } from '@tella/platform'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import type { Database } from '../db/schema.ts'
import { isOutageError } from '../plugins/outage-errors.ts'
import { type BatchEntry, foldBatch } from './batch-fold.ts'
import { type FoldOutcome, foldEvent } from './event-fold.ts'
import type { MediaStore } from './media-store.ts'
import { OutboxWrites } from './outbox.ts'
import type { OutboxFastPath } from './outbox-fast-path.ts'

const retryDelayMs = 2_000
// A burst of progress from thousands of jobs folds into one update per job and batch: the
// larger the batch, the more ticks of one job it coalesces (bench/fold-rate.ts, 20,000 events
// over 2,000 jobs: 0.46–0.55 of a bare consumer's rate with batches of 1,000, 0.58–0.81 with
// 4,000). The pull below stays under the consumer's max_ack_pending (10,000).
const maxBatch = 4000
const missingTranscriptTries = 5
/** Deliveries of an event that fails to fold on its own before its job is failed. */
const maxEventDeliveries = 5
const encoder = new TextEncoder()

/**
 * Reads worker events from the shared durable consumer and folds them into Postgres in
 * batches. A message is acknowledged only after its batch committed, so a crash redelivers
 * it; folding is idempotent, so the redelivery is harmless. One bad message never stops the
 * loop: an unreadable one is dropped alone; a batch that fails while Postgres is unreachable
 * is retried as a whole, and one that fails otherwise is folded again event by event.
 *
 * With a fast path, the commands and lifecycle events a batch causes are published as soon as
 * it committed, before its acks: the next stage starts without waiting for the outbox relay.
 */
export class EventConsumer {
  private messages: ConsumerMessages | undefined
  private loop: Promise<void> | undefined
  private readonly folded: Counter<'kind' | 'outcome'>

  constructor(
    private readonly db: Kysely<Database>,
    private readonly nc: NatsConnection,
    private readonly media: MediaStore,
    private readonly logger: Logger,
    registry: Registry,
    private readonly fastPath?: OutboxFastPath,
  ) {
    this.folded = new Counter({
      name: 'tella_events_folded_total',
      help: 'Worker events folded into job state, by outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    })
  }

  async start(): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(streams.events, consumers.jobsApi)
    this.messages = await consumer.consume({ max_messages: maxBatch * 2 })
    const messages = this.messages
    const queue: JsMsg[] = []
    let wake: (() => void) | undefined
    let ended = false

    // The reader only moves messages into the queue; the folder takes whatever has gathered
    // while it was busy, so batches grow with load and stay small when traffic is light.
    const reader = (async () => {
      for await (const msg of messages) {
        queue.push(msg)
        wake?.()
        while (queue.length >= maxBatch * 2 && !ended) await sleep(5)
      }
      ended = true
      wake?.()
    })()
    const folder = (async () => {
      while (!ended || queue.length > 0) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
          continue
        }
        await this.handleBatch(queue.splice(0, maxBatch))
      }
    })()
    this.loop = Promise.all([reader, folder]).then(() => undefined)
  }

  async stop(): Promise<void> {
    await this.messages?.close()
    await this.loop
  }

  private async handleBatch(batch: JsMsg[]): Promise<void> {
    const readable: Array<{ msg: JsMsg; entry: BatchEntry }> = []
    for (const msg of batch) {
      try {
        const event = decodeJson(StageEventSchema, msg.data)
        readable.push({ msg, entry: { event, transcript: null } })
      } catch (error) {
        this.logger.error({ err: error, subject: msg.subject }, 'unreadable event dropped')
        msg.term()
      }
    }

    try {
      await this.foldAndSettle(readable)
    } catch (error) {
      if (isOutageError(error)) {
        this.logger.warn({ err: error, events: readable.length }, 'events not folded, will retry')
        for (const { msg } of readable) msg.nak(retryDelayMs)
        return
      }
      // Not the database's absence but something in the batch: one event at a time finds it,
      // and the others are not held back with it.
      this.logger.error({ err: error, events: readable.length }, 'batch not folded; one by one')
      for (const item of readable) await this.foldAlone(item)
    }
  }

  private async foldAndSettle(items: Array<{ msg: JsMsg; entry: BatchEntry }>): Promise<void> {
    for (const item of items) item.entry.transcript = await this.loadTranscript(item.entry.event)
    const outbox = this.fastPath?.writes() ?? new OutboxWrites()
    const outcomes = await foldBatch(
      this.db,
      items.map((item) => item.entry),
      outbox,
    )
    this.fastPath?.send(outbox.held)
    // Acks are queued without a pause between them, so the client sends a batch's acks in
    // one socket write (awaiting each one cost a write per event: a quarter of the fold time).
    const missing: Array<{ msg: JsMsg; event: StageEvent }> = []
    for (const [index, { msg, entry }] of items.entries()) {
      const outcome = outcomes[index] ?? 'stale'
      if (outcome === 'missing-transcript') missing.push({ msg, event: entry.event })
      else this.settle(msg, entry.event, outcome)
    }
    for (const { msg, event } of missing) {
      const log = this.logger.child({ jobId: event.jobId, stage: event.stage })
      await this.onMissingTranscript(msg, event, log)
    }
  }

  /**
   * Folds one event in its own transaction. One that still fails after `maxEventDeliveries`
   * (a transcript that does not decode, a value Postgres refuses) fails its job with
   * INTERNAL_ERROR and is terminated: it is never redelivered forever, and its job does not
   * wait for a result that cannot be applied.
   */
  private async foldAlone(item: { msg: JsMsg; entry: BatchEntry }): Promise<void> {
    try {
      await this.foldAndSettle([item])
    } catch (error) {
      const { msg, entry } = item
      const { event } = entry
      const log = this.logger.child({ jobId: event.jobId, stage: event.stage, kind: event.kind })
      const delivery = msg.info.deliveryCount
      if (isOutageError(error) || delivery < maxEventDeliveries) {
        log.warn({ err: error, delivery }, 'event not folded, will retry')
        msg.nak(retryDelayMs)
        return
      }
      log.error({ err: error, delivery }, 'event cannot be folded; its job fails')
      await this.failJobOf(event, log)
      msg.term()
    }
  }

  private async failJobOf(event: StageEvent, log: Logger): Promise<void> {
    const internalError = new CodedError('INTERNAL_ERROR').message
    const failed: StageEvent = {
      kind: 'failed',
      stage: event.stage,
      jobId: event.jobId,
      attempt: event.attempt,
      at: new Date().toISOString(),
      code: 'INTERNAL_ERROR',
      message: `${internalError} (the ${event.stage} result could not be applied)`,
    }
    try {
      await this.db.transaction().execute((trx) => foldEvent(trx, failed, null))
    } catch (error) {
      log.error({ err: error }, 'job could not be failed either')
    }
  }

  private settle(msg: JsMsg, event: StageEvent, outcome: FoldOutcome): void {
    this.folded.inc({ kind: event.kind, outcome })
    if (event.kind !== 'progress' || outcome !== 'applied') {
      this.logger.info(
        { jobId: event.jobId, stage: event.stage, kind: event.kind, outcome },
        'event folded',
      )
    }
    msg.ack()
  }

  /**
   * A transcript that is still unreadable after a few tries will not appear: the job fails
   * rather than wait forever.
   */
  private async onMissingTranscript(msg: JsMsg, event: StageEvent, log: Logger) {
    if (msg.info.deliveryCount < missingTranscriptTries) {
      log.warn('transcript not readable yet, will retry')
      msg.nak(retryDelayMs)
      return
    }
    const failed: StageEvent = {
      kind: 'failed',
      stage: 'transcribe',
      jobId: event.jobId,
      attempt: event.attempt,
      at: new Date().toISOString(),
      code: 'TRANSCRIPTION_FAILED',
      message: `${new CodedError('TRANSCRIPTION_FAILED').message} (transcript was lost)`,
    }
    await this.db.transaction().execute((trx) => foldEvent(trx, failed, null))
    log.error('transcript lost; job failed')
    msg.ack()
  }

  private async loadTranscript(event: StageEvent) {
    if (event.kind !== 'completed' || event.stage !== 'transcribe') return null
    if (event.transcript) return event.transcript
    const text = await this.media.readText(event.transcriptKey)
    if (text === null) return null
    return decodeJson(TranscriptDocument, encoder.encode(text))
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
