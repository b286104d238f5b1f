import type { JetStreamClient, JsMsg } from '@nats-io/jetstream'
import { headers } from '@nats-io/transport-node'

/**
 * Attempts a command had before this message was published: set on the copy a worker
 * publishes when it hands a command back, since the copy's delivery count starts again at 1.
 */
export const attemptsSpentHeader = 'Tella-Attempts-Spent'

/**
 * Which attempt at the stage this delivery is: the server's delivery count, plus the
 * attempts spent before a hand-back. Deliveries that were handed back do not count.
 *
 * @example
 * if (attemptOf(msg) > maxAttempts) reportExhausted()
 */
export function attemptOf(msg: JsMsg): number {
  const spent = Number(msg.headers?.get(attemptsSpentHeader) || 0)
  return (Number.isInteger(spent) && spent > 0 ? spent : 0) + msg.info.deliveryCount
}

/**
 * Gives a command back to the queue without counting this delivery as an attempt: a copy
 * carrying the attempts already spent is published, then the original is acknowledged.
 * A nak would not do: the server counts every delivery, and so would `attemptOf`.
 *
 * The copy's message id is the original's stream sequence, so a worker that dies between
 * the two steps and has the original handed back again publishes no second copy (within
 * the stream's duplicate window). The copy joins the end of the queue.
 *
 * Falls back to a nak, which costs an attempt but never loses the command, when the copy
 * cannot be published.
 */
export async function handBack(js: JetStreamClient, msg: JsMsg): Promise<'copied' | 'nak'> {
  const spent = headers()
  spent.set(attemptsSpentHeader, String(attemptOf(msg) - 1))
  try {
    await js.publish(msg.subject, msg.data, {
      headers: spent,
      msgID: `hand-back.${msg.info.stream}.${msg.info.streamSequence}`,
    })
  } catch {
    msg.nak()
    return 'nak'
  }
  await msg.ackAck()
  return 'copied'
}
