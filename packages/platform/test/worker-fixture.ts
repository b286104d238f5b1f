import { jetstream } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import {
  buckets,
  consumers,
  type StageEvent,
  StageEvent as StageEventSchema,
  SummarizeCommand,
  streams,
  subjects,
} from '@tella/contracts'
import { startNatsServer } from '@tella/test-support'
import { pino } from 'pino'
import type { Test } from 'tap'
import {
  connectNats,
  decodeJson,
  encodeJson,
  ensureTopology,
  type PrerequisiteWatch,
  type StageContext,
  startStageWorker,
} from '../src/index.ts'

export const delivery = { ackWaitMs: 3_000, maxAttempts: 3 }
type Handler = (context: StageContext<SummarizeCommand>) => Promise<object>

/**
 * A private NATS server with the topology, a client that publishes summarize commands and
 * reads back the events workers publish, and a factory for summarize-stage workers.
 */
export async function workerFixture(t: Test) {
  const server = await startNatsServer()
  const nc = await connectNats({ url: server.url, name: 'test' })
  await ensureTopology(nc, delivery)
  const js = jetstream(nc)
  const workers: Array<{ stop(graceMs: number): Promise<void> }> = []
  t.teardown(async () => {
    for (const worker of workers) await worker.stop(0)
    await nc.close()
    await server.stop()
  })

  const startWorker = async (handle: Handler, prerequisites?: PrerequisiteWatch) => {
    const workerConnection = await connectNats({ url: server.url, name: 'worker' })
    const worker = await startStageWorker({
      nc: workerConnection,
      stage: 'summarize',
      commandSchema: SummarizeCommand,
      concurrency: 1,
      logger: pino({ level: 'silent' }),
      delivery,
      retryDelayMs: () => 200,
      handle,
      ...(prerequisites ? { prerequisites } : {}),
    })
    workers.push({
      async stop(graceMs: number) {
        await worker.stop(graceMs)
        if (!workerConnection.isClosed()) await workerConnection.close()
      },
    })
    return worker
  }

  const sendCommand = async (jobId: string, payload?: Uint8Array) => {
    const command = { jobId, userId: 'user_w', attempt: 1, transcriptKey: `${jobId}/t.json` }
    await js.publish(subjects.command('summarize'), payload ?? encodeJson(command))
  }

  /** Every non-progress event published so far, read without consuming them. */
  const outcomes = async (): Promise<StageEvent[]> => {
    const jsm = await js.jetstreamManager()
    const info = await jsm.streams.info(streams.events)
    const found: StageEvent[] = []
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const stored = await jsm.streams.getMessage(streams.events, { seq }).catch(() => null)
      if (!stored) continue
      const event = decodeJson(StageEventSchema, stored.data)
      if (event.kind !== 'progress') found.push(event)
    }
    return found
  }

  const pendingCommands = async () => {
    const jsm = await js.jetstreamManager()
    const info = await jsm.consumers.info(streams.commands, consumers.worker('summarize'))
    return info.num_pending + info.num_ack_pending
  }

  /** The stage consumer's counts: waiting, taken and not answered, ever delivered. */
  const queue = async () => {
    const jsm = await js.jetstreamManager()
    const info = await jsm.consumers.info(streams.commands, consumers.worker('summarize'))
    return {
      pending: info.num_pending,
      taken: info.num_ack_pending,
      delivered: info.delivered.consumer_seq,
      redelivered: info.num_redelivered,
    }
  }

  const cancel = async (jobId: string) => {
    const kv = await new Kvm(nc).open(buckets.cancellations)
    await kv.put(jobId, encodeJson({ jobId, at: new Date().toISOString() }))
  }

  return { server, nc, js, startWorker, sendCommand, outcomes, pendingCommands, queue, cancel }
}
