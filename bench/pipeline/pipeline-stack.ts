import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import {
  freePort,
  type ServiceName,
  type ServiceProcess,
  type Stack,
  serviceProcess,
  startStack,
} from '@tella/test-support'

export type WorkerName = Exclude<ServiceName, 'jobs-api'>
export const workerNames: readonly WorkerName[] = ['downloader', 'transcriber', 'summarizer']

export interface StageRun {
  jobId: string
  stage: string
  ms: number
}

export interface PipelineStack {
  stack: Stack
  /** Every `stage completed` line the workers logged, from every replica. */
  stageRuns: StageRun[]
  /** Probe base URLs of every replica of each worker, the stack's own first. */
  replicaUrls: Record<WorkerName, string[]>
  /** Pids of every service process and of the NATS server. */
  pids(): number[]
  stop(): Promise<void>
}

/**
 * The whole product on loopback (test-support's stack) with `replicas` processes of each
 * worker: the extra ones are started like the first, on the same broker and database.
 */
export async function startPipeline(
  replicas: number,
  env: Record<string, string>,
): Promise<PipelineStack> {
  const stack = await startStack({ env })
  const stageRuns: StageRun[] = []
  const extra: ServiceProcess[] = []
  const replicaUrls = Object.fromEntries(
    workerNames.map((name) => [name, [stack.healthUrls[name]]]),
  ) as Record<WorkerName, string[]>

  try {
    for (const name of workerNames) collectStageRuns(stack.services[name].process, stageRuns)
    for (let replica = 1; replica < replicas; replica++) {
      for (const name of workerNames) {
        const port = await freePort()
        const service = serviceProcess(name, {
          DATABASE_URL: stack.database.url,
          NATS_URL: stack.nats.url,
          SHUTDOWN_GRACE_MS: '5000',
          ...env,
          HEALTH_PORT: String(port),
        })
        extra.push(service)
        await service.start()
        collectStageRuns(service.process, stageRuns)
        replicaUrls[name].push(`http://127.0.0.1:${port}`)
      }
    }
  } catch (error) {
    await Promise.all(extra.map((service) => service.kill('SIGTERM')))
    await stack.stop()
    throw error
  }

  return {
    stack,
    stageRuns,
    replicaUrls,
    pids: () =>
      [
        ...Object.values(stack.services).map((service) => service.process.pid),
        ...extra.map((service) => service.process.pid),
        stack.nats.process.pid,
      ].filter((pid): pid is number => pid !== undefined),
    async stop() {
      await Promise.all(extra.map((service) => service.kill('SIGTERM')))
      await stack.stop()
    },
  }
}

/** Reads a worker's JSON log lines as they come; the stack keeps only the last few. */
function collectStageRuns(child: ChildProcess, into: StageRun[]): void {
  if (!child.stdout) return
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.includes('"stage completed"')) return
    const entry = JSON.parse(line) as { jobId: string; stage: string; ms: number }
    into.push({ jobId: entry.jobId, stage: entry.stage, ms: entry.ms })
  })
}

/** `tella_stage_runs_total` of one replica, by outcome. */
export async function stageRunCounts(healthUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text()
  const counts: Record<string, number> = {}
  for (const match of text.matchAll(
    /^tella_stage_runs_total\{[^}]*outcome="(\w[\w-]*)"[^}]*\} (\d+)/gmu,
  )) {
    counts[match[1] as string] = (counts[match[1] as string] ?? 0) + Number(match[2])
  }
  const redelivered = /^tella_stage_redeliveries_total\{[^}]*\} (\d+)/mu.exec(text)
  counts.redelivered = Number(redelivered?.[1] ?? 0)
  return counts
}
