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
import { foldEvent } from './event-fold.ts'
import type { MediaStore } from './media-store.ts'

const retryDelayMs = 2_000
const missingTranscriptTries = 5
const encoder = new TextEncoder()

/**
 * Reads worker events from the shared durable consumer and folds each into Postgres. A
 * message is acknowledged only after its transaction committed, so a crash redelivers it;
 * folding is idempotent, so the redelivery is harmless. One bad message never stops the loop.
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
    this.messages = await consumer.consume({ max_messages: 256 })
    this.loop = (async () => {
      for await (const msg of this.messages as ConsumerMessages) await this.handle(msg)
    })()
  }

  async stop(): Promise<void> {
    await this.messages?.close()
    await this.loop
  }

  private async handle(msg: JsMsg): Promise<void> {
    let event: StageEvent
    try {
      event = decodeJson(StageEventSchema, msg.data)
    } catch (error) {
      this.logger.error({ err: error, subject: msg.subject }, 'unreadable event dropped')
      msg.term()
      return
    }

    const log = this.logger.child({ jobId: event.jobId, stage: event.stage, kind: event.kind })
    try {
      const transcript = await this.loadTranscript(event)
      const outcome = await this.db
        .transaction()
        .execute((trx) => foldEvent(trx, event, transcript))
      if (outcome === 'missing-transcript') {
        await this.onMissingTranscript(msg, event, log)
        return
      }
      this.folded.inc({ kind: event.kind, outcome })
      if (event.kind !== 'progress' || outcome !== 'applied') log.info({ outcome }, 'event folded')
      msg.ack()
    } catch (error) {
      log.error({ err: error }, 'event not folded, will retry')
      msg.nak(retryDelayMs)
    }
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
    const text = await this.media.readText(event.transcriptKey)
    if (text === null) return null
    return decodeJson(TranscriptDocument, encoder.encode(text))
  }
}
