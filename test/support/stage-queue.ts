import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { consumers, type Stage, streams } from '@tella/contracts'

/**
 * What a stage's durable consumer holds: commands waiting, taken and not yet answered, and
 * ever delivered (a delivery is what a worker's attempt count is made of).
 */
export async function stageQueue(nc: NatsConnection, stage: Stage) {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.consumers.info(streams.commands, consumers.worker(stage))
  return {
    pending: info.num_pending,
    taken: info.num_ack_pending,
    delivered: info.delivered.consumer_seq,
  }
}

/** Completed and failed stage events published so far, read without consuming them. */
export async function stageOutcomes(nc: NatsConnection): Promise<Array<Record<string, unknown>>> {
  const jsm = await jetstreamManager(nc)
  const { state } = await jsm.streams.info(streams.events)
  const found: Array<Record<string, unknown>> = []
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(streams.events, { seq }).catch(() => null)
    const event = stored?.json<Record<string, unknown>>()
    if (event && event.kind !== 'progress') found.push(event)
  }
  return found
}

/** A worker's readiness answer: status code and body. */
export async function workerReadiness(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`)
  return { status: response.status, body: await response.json() }
}

/** How many times a service logged a pause for missing tools: once per change of reasons. */
export function pauseLines(logs: string): number {
  return logs.split('\n').filter((line) => line.includes('"msg":"stage paused')).length
}
