import type { NatsConnection } from '@nats-io/transport-node'
import type { Stage } from '@tella/contracts'
import type { Logger } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import Type, { type Static, type TObject, type TSchema } from 'typebox'
import { loadConfig } from './config.ts'
import { startHealthServer } from './health-server.ts'
import { connectNats, trackConnection } from './nats-connection.ts'
import { ensureTopology } from './nats-topology.ts'
import { type Prerequisite, PrerequisiteWatch } from './prerequisite-watch.ts'
import { StageDeliverySettings, stageDeliveryFrom } from './stage-delivery-settings.ts'
import { StageMetrics } from './stage-metrics.ts'
import { type StageContext, type StageWorker, startStageWorker } from './stage-worker.ts'
import { sweepOrphanWorkDirs } from './work-dirs.ts'

/** Settings every worker reads; a service may add its own. */
export const WorkerSettings = Type.Object({
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  /** Stages this replica runs at once. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /** Port of /healthz, /readyz and /metrics; 0 picks a free one. */
  HEALTH_PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 0 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 20_000 }),
  /** How often a worker checks the tools its stage needs (binaries, model files). */
  TOOL_CHECK_INTERVAL_MS: Type.Integer({ minimum: 100, default: 20_000 }),
  ...StageDeliverySettings.properties,
})
export type WorkerSettings = Static<typeof WorkerSettings>

export interface WorkerServiceOptions<S extends TSchema, R extends object> {
  stage: Stage
  commandSchema: S
  logger: Logger
  settings: WorkerSettings
  handle(context: StageContext<Static<S>>, nc: NatsConnection): Promise<R>
  /** Local tools the stage needs; checked at start and every `TOOL_CHECK_INTERVAL_MS`. */
  prerequisites?: readonly Prerequisite[]
}

export interface RunningWorkerService {
  worker: StageWorker
  nc: NatsConnection
  healthPort: number
  /** Stops pulling, lets running stages finish within the grace period, then disconnects. */
  stop(): Promise<void>
}

/**
 * Everything a worker process does besides its stage: connect, create the topology, pull
 * commands, answer probes, and shut down in order on SIGTERM.
 *
 * @example
 * await runWorkerService({ stage: 'summarize', commandSchema: SummarizeCommand, ... })
 */
export async function runWorkerService<S extends TSchema, R extends object>(
  options: WorkerServiceOptions<S, R>,
): Promise<RunningWorkerService> {
  const { settings, logger, stage } = options
  await sweepOrphanWorkDirs(logger)
  const nc = await connectNats({ url: settings.NATS_URL, name: `worker-${stage}` })
  const delivery = stageDeliveryFrom(settings)
  await ensureTopology(nc, delivery)
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const prerequisites = await PrerequisiteWatch.start({
    prerequisites: options.prerequisites ?? [],
    intervalMs: settings.TOOL_CHECK_INTERVAL_MS,
    logger,
    stage,
    registry,
  })
  const worker = await startStageWorker({
    prerequisites,
    delivery,
    metrics: new StageMetrics(registry, stage),
    nc,
    stage,
    commandSchema: options.commandSchema,
    concurrency: settings.WORKER_CONCURRENCY,
    logger,
    handle: (context) => options.handle(context, nc),
  })
  const connected = trackConnection(nc)
  const unreadiness = () => [
    ...(connected() ? [] : ['NATS connection lost']),
    ...(worker.stopping ? ['shutting down'] : []),
    ...prerequisites.reasons,
  ]
  const health = await startHealthServer(settings.HEALTH_PORT, unreadiness, registry)
  // Logged also while paused: the process serves its probes, and they tell why it waits.
  logger.info({ stage, healthPort: health.port, paused: !prerequisites.ready }, 'worker ready')

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      await worker.stop(settings.SHUTDOWN_GRACE_MS)
      prerequisites.stop()
      await health.close()
      if (!nc.isClosed()) await nc.drain()
    })()
    return stopping
  }
  return { worker, nc, healthPort: health.port, stop }
}

/** Wires SIGTERM and SIGINT to `stop`, then exits; a second signal exits at once. */
export function exitOnSignals(service: RunningWorkerService, logger: Logger): void {
  let signalled = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) process.exit(1)
      signalled = true
      logger.info({ signal, inFlight: service.worker.inFlight }, 'shutting down')
      service.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
    })
  }
}

/** Reads the common worker settings plus a service's own, refusing bad values together. */
export function loadWorkerSettings<T extends TObject>(extra: T, env = process.env) {
  const schema = Type.Object({ ...WorkerSettings.properties, ...extra.properties })
  return loadConfig(schema, env) as WorkerSettings & Static<T>
}
