import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import { Objm } from '@nats-io/obj'
import { type NatsConnection, nanos } from '@nats-io/transport-node'
import { buckets, consumers, stages, streams, subjects } from '@tella/contracts'

/** Delivery settings of the stage consumers, shared by jobs-api and every worker. */
export interface StageDelivery {
  /** A worker that stops renewing its lease loses the message after this long. */
  ackWaitMs: number
  /**
   * Attempts a stage gets. The limit is kept by the workers, not by the server's
   * `max_deliver`: a message that crashed its worker on every attempt is delivered once more
   * and then reported as failed, so an exhausted stage never vanishes silently, even while
   * jobs-api is down.
   */
  maxAttempts: number
}

export const defaultStageDelivery: StageDelivery = { ackWaitMs: 30_000, maxAttempts: 5 }

/**
 * How long the pipeline's streams remember a message id: a copy published again within it is
 * dropped. Whatever republishes outbox rows (jobs-api's relay) must do so well within it.
 */
export const streamDuplicateWindowMs = 5 * 60_000
const duplicateWindow = nanos(streamDuplicateWindowMs)
const mediaRetentionMs = 7 * 24 * 3_600_000

const streamConfigs: Array<Partial<StreamConfig> & { name: string; subjects: string[] }> = [
  {
    name: streams.commands,
    subjects: [subjects.commandsWildcard],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: duplicateWindow,
  },
  {
    name: streams.events,
    subjects: [subjects.eventsWildcard],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: duplicateWindow,
  },
  {
    name: streams.lifecycle,
    subjects: [subjects.lifecycleWildcard],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(7 * 24 * 3_600_000),
    duplicate_window: duplicateWindow,
  },
]

/**
 * Creates or updates every stream, durable consumer and bucket the services share. Safe to
 * run from every replica at every start: creating what exists with the same settings is a
 * no-op, and changed settings are applied as an update.
 *
 * @example
 * await ensureTopology(nc)
 */
export async function ensureTopology(
  nc: NatsConnection,
  delivery: StageDelivery = defaultStageDelivery,
): Promise<void> {
  const jsm = await jetstreamManager(nc)
  for (const config of streamConfigs) await upsertStream(jsm, config)

  for (const stage of stages) {
    await upsertConsumer(jsm, streams.commands, {
      durable_name: consumers.worker(stage),
      filter_subject: subjects.command(stage),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(delivery.ackWaitMs),
      max_deliver: -1,
      max_ack_pending: 1_000,
    })
  }
  await upsertConsumer(jsm, streams.events, {
    durable_name: consumers.jobsApi,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(30_000),
    max_deliver: -1,
    max_ack_pending: 10_000,
  })

  // Media of failed jobs is kept for retries; the TTL bounds what nobody deletes.
  const mediaTtl = nanos(mediaRetentionMs)
  await new Objm(nc).create(buckets.media, { storage: StorageType.File, ttl: mediaTtl })
  const mediaStream = `OBJ_${buckets.media}`
  const { config } = await jsm.streams.info(mediaStream)
  if (config.max_age !== mediaTtl) await jsm.streams.update(mediaStream, { max_age: mediaTtl })

  await new Kvm(nc).create(buckets.cancellations, {
    history: 1,
    ttl: 7 * 24 * 3_600_000,
    storage: StorageType.File,
  })
}

async function upsertStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.add(config)
  } catch (error) {
    if (!isAlreadyInUse(error)) throw error
    await jsm.streams.update(config.name, config)
  }
}

async function upsertConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Parameters<JetStreamManager['consumers']['add']>[1],
): Promise<void> {
  try {
    await jsm.consumers.add(stream, config)
  } catch (error) {
    if (!isAlreadyInUse(error)) throw error
    const { durable_name: name, ...update } = config
    await jsm.consumers.update(stream, name as string, update)
  }
}

function isAlreadyInUse(error: unknown): boolean {
  return error instanceof Error && /already in use|exists/iu.test(error.message)
}
