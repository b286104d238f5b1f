import { type ConsumerMessages, type JsMsg, jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  CodedError,
  consumers,
  isCodedError,
  type Stage,
  streams,
  subjects,
} from '@tella/contracts'
import type { Logger } from 'pino'
import type { Static, TSchema } from 'typebox'
import { CancellationWatch } from './cancellation-watch.ts'
import { decodeJson, encodeJson, peekJobRef } from './json-codec.ts'
import { defaultStageDelivery, type StageDelivery } from './nats-topology.ts'
import type { PrerequisiteWatch } from './prerequisite-watch.ts'
import { ProgressReporter } from './progress-reporter.ts'
import { defaultRetryDelay, finalFailureCode, withDetail } from './stage-failure-policy.ts'
import { attemptOf, handBack } from './stage-hand-back.ts'
import type { StageMetrics, StageOutcome } from './stage-metrics.ts'
import { ToolUnavailableError } from './tool-unavailable.ts'

export interface StageContext<C> {
  command: C
  /** Aborted when the job is cancelled or the worker is shutting down. */
  signal: AbortSignal
  /** 1 on the first attempt at this command, more on retries; hand-backs do not count. */
  deliveryCount: number
  /** The stage's own completion, 0..1; throttled before it reaches the broker. */
  reportProgress(fraction: number): void
  logger: Logger
}

export interface StageWorkerOptions<S extends TSchema, R extends object> {
  nc: NatsConnection
  stage: Stage
  commandSchema: S
  /** Commands processed at once by this replica. */
  concurrency: number
  logger: Logger
  /** Runs the stage; returns the fields of the stage's `completed` event. */
  handle(context: StageContext<Static<S>>): Promise<R>
  delivery?: StageDelivery
  metrics?: StageMetrics
  /** Delay before a transient failure is retried; defaults to exponential from 2 s. */
  retryDelayMs?(deliveryCount: number): number
  /**
   * The tools the stage needs. While they fail their checks the worker pulls nothing, and a
   * stage whose tool fails to start is handed back without counting an attempt.
   */
  prerequisites?: PrerequisiteWatch
}

export interface StageWorker {
  /** Stops pulling, waits up to `graceMs` for running stages, then hands the rest back. */
  stop(graceMs: number): Promise<void>
  readonly inFlight: number
  /** True once `stop` was called: the replica takes no new work. */
  readonly stopping: boolean
}

type Outcome = StageOutcome

/**
 * Consumes one stage's commands from the shared durable consumer and turns each into exactly
 * one `completed` or `failed` event, or a redelivery. The message is kept leased with
 * in-progress acks while the stage runs, so a long ffmpeg or transcription run is not handed
 * to another replica, while a killed replica's message comes back after `ackWait`.
 *
 * @example
 * const worker = await startStageWorker({ nc, stage: 'summarize', ..., handle })
 * process.on('SIGTERM', () => worker.stop(20_000))
 */
export async function startStageWorker<S extends TSchema, R extends object>(
  options: StageWorkerOptions<S, R>,
): Promise<StageWorker> {
  const { nc, stage, logger } = options
  const settings = options.delivery ?? defaultStageDelivery
  const js = jetstream(nc)
  const consumer = await js.consumers.get(streams.commands, consumers.worker(stage))
  const cancellations = await CancellationWatch.open(nc)
  const shutdown = new AbortController()
  const stopped = new AbortController()
  const gate = options.prerequisites
  const running = new Set<AbortController>()
  let stopping = false

  const process = async (msg: JsMsg): Promise<Outcome> => {
    const delivery = attemptOf(msg)
    let command: Static<S>
    try {
      command = decodeJson(options.commandSchema, msg.data)
    } catch (error) {
      return failPoisoned(msg, error)
    }
    const job = command as unknown as { jobId: string; userId: string; attempt: number }
    const log = logger.child({ jobId: job.jobId, userId: job.userId, stage, delivery })

    if (delivery > settings.maxAttempts) {
      // The previous attempts ended without an outcome (their worker died): report, stop.
      log.error({ code: 'STAGE_ATTEMPTS_EXHAUSTED' }, 'stage failed: attempts exhausted')
      const message = new CodedError('STAGE_ATTEMPTS_EXHAUSTED').message
      await publishEvent(job, 'failed', { code: 'STAGE_ATTEMPTS_EXHAUSTED', message })
      msg.term()
      return 'failed'
    }

    const controller = new AbortController()
    running.add(controller)
    const onShutdown = () => controller.abort('shutdown')
    shutdown.signal.addEventListener('abort', onShutdown)
    const unsubscribe = cancellations.subscribe(job.jobId, () => controller.abort('cancelled'))
    // A cancel that came before this delivery is read while the stage starts, not before it:
    // the read is a broker round trip on every stage (bench/pipeline-overhead.ts), and a
    // cancelled job's stage is stopped by its signal at once. No result goes out before the
    // read answered, and a failed read leaves the message to be redelivered, as before.
    const cancelledEarlier = cancellations.isCancelled(job.jobId).then((cancelled) => {
      if (cancelled) controller.abort('cancelled')
      return cancelled
    })
    cancelledEarlier.catch(() => controller.abort('cancel check failed'))
    const lease = setInterval(() => msg.working(), settings.ackWaitMs / 3)
    const progress = new ProgressReporter(js, stage, job, log)
    const startedAt = performance.now()

    try {
      // Not awaited: the event goes out while the stage starts, and `progress.settle()`
      // before the result keeps it ahead of the result.
      progress.report(0)
      const result = await options.handle({
        command,
        signal: controller.signal,
        deliveryCount: delivery,
        reportProgress: (fraction) => progress.report(fraction),
        logger: log,
      })
      if (await cancelledEarlier) throw new CodedError('CANCELLED')
      await progress.settle()
      await publishEvent(job, 'completed', { ...result })
      await msg.ackAck()
      log.info({ ms: Math.round(performance.now() - startedAt) }, 'stage completed')
      return 'completed'
    } catch (error) {
      // Without an answer on cancellation the outcome cannot be told: redelivered later.
      await cancelledEarlier
      return await settleFailure(msg, job, error, controller.signal, log)
    } finally {
      clearInterval(lease)
      progress.close()
      unsubscribe()
      shutdown.signal.removeEventListener('abort', onShutdown)
      running.delete(controller)
    }
  }

  const settleFailure = async (
    msg: JsMsg,
    job: { jobId: string; attempt: number },
    error: unknown,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Outcome> => {
    if (signal.aborted && signal.reason === 'shutdown') {
      const how = await handBack(js, msg)
      log.warn({ how }, 'stage handed back: worker shutting down')
      return 'handed-back'
    }
    if (signal.aborted && signal.reason === 'cancelled') {
      await msg.ackAck()
      log.info('stage stopped: job cancelled')
      return 'cancelled'
    }
    // Only the error itself: a coded error caused by one (yt-dlp missing) is the job's verdict.
    if (gate && error instanceof ToolUnavailableError) {
      // Not the job's fault: another replica, or this one once the tool is back, takes it.
      gate.markUnavailable(`${error.tool}: ${error.message}`)
      const how = await handBack(js, msg)
      log.warn({ err: error, how }, 'stage handed back: a tool it needs could not start')
      return 'handed-back'
    }

    const coded = isCodedError(error) ? error : null
    const retryable = coded ? coded.retryable : true
    const delivery = attemptOf(msg)
    if (retryable && delivery < settings.maxAttempts) {
      const delay = options.retryDelayMs?.(delivery) ?? defaultRetryDelay(delivery)
      log.warn({ err: error, retryInMs: delay }, 'stage failed, will retry')
      msg.nak(delay)
      return 'retry'
    }

    const finalCode = finalFailureCode(coded)
    const message = new CodedError(finalCode).message
    log.error({ err: error, code: finalCode }, 'stage failed')
    await publishEvent(job, 'failed', { code: finalCode, message: withDetail(message, coded) })
    msg.term()
    return 'failed'
  }

  const failPoisoned = async (msg: JsMsg, error: unknown): Promise<Outcome> => {
    const ref = peekJobRef(msg.data)
    logger.error({ err: error, stage, jobId: ref?.jobId }, 'unreadable command dropped')
    if (ref) {
      const message = withDetail(new CodedError('INVALID_COMMAND').message, error)
      await publishEvent(ref, 'failed', { code: 'INVALID_COMMAND', message })
    }
    msg.term()
    return 'failed'
  }

  const publishEvent = async (
    job: { jobId: string; attempt: number },
    kind: 'completed' | 'failed',
    fields: object,
  ) => {
    const payload = {
      ...fields,
      jobId: job.jobId,
      attempt: job.attempt,
      at: new Date().toISOString(),
      kind,
      stage,
    }
    await js.publish(subjects.event(stage, kind), encodeJson(payload), {
      msgID: `${job.jobId}.${stage}.${job.attempt}.${kind}`,
    })
  }

  const pulls = new Set<ConsumerMessages>()

  /** Waits for one command; null on idle expiry or when stopped while waiting. */
  const pullOne = async (): Promise<JsMsg | null> => {
    // One message per pull: a prefetched message would sit unleased while a long stage runs
    // and be redelivered to another replica.
    const batch = await consumer.fetch({ max_messages: 1, expires: 30_000 })
    pulls.add(batch)
    try {
      for await (const msg of batch) return msg
      return null
    } finally {
      pulls.delete(batch)
    }
  }

  const loop = async () => {
    while (!stopping) {
      if (gate && !gate.ready) {
        await gate.whenReady(stopped.signal)
        continue
      }
      let msg: JsMsg | null = null
      try {
        msg = await pullOne()
      } catch (error) {
        if (stopping) break
        logger.warn({ err: error, stage }, 'pull failed, retrying')
        await sleep(1_000)
        continue
      }
      if (!msg) continue
      if (stopping || (gate && !gate.ready)) {
        // Arrived on a pull sent before the worker stopped or its tools failed a check.
        await handBack(js, msg).catch((error: unknown) => {
          logger.warn({ err: error, stage }, 'hand-back failed; redelivered after ack_wait')
        })
        continue
      }
      const startedAt = performance.now()
      options.metrics?.received(attemptOf(msg))
      let outcome: Outcome = 'retry'
      try {
        outcome = await process(msg)
      } catch (error) {
        // Publishing or acking failed (broker gone): leave the message unacked so it is
        // redelivered after ackWait instead of crashing the replica.
        logger.error({ err: error, stage }, 'stage outcome not recorded; it will be redelivered')
      } finally {
        options.metrics?.finished(outcome, (performance.now() - startedAt) / 1000)
      }
    }
  }

  const loops = Array.from({ length: Math.max(1, options.concurrency) }, () => loop())
  logger.info({ stage, concurrency: options.concurrency }, 'stage worker started')

  return {
    get inFlight() {
      return running.size
    },
    get stopping() {
      return stopping
    },
    async stop(graceMs: number) {
      if (stopping) return
      stopping = true
      stopped.abort()
      for (const pull of pulls) pull.stop()
      const drained = Promise.all(loops)
      const timer = setTimeout(() => shutdown.abort('shutdown'), graceMs)
      await drained
      clearTimeout(timer)
      cancellations.stop()
    },
  }
}

// Note: messages are terminated without a reason: nats-server 2.9 ignores a `+TERM` that
// carries one, which would leave the message pending forever.

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
