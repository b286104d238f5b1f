import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { machineCpuSeconds, processCpuSeconds } from './lib/cpu.ts'
import { loadAverage } from './lib/load.ts'
import { runBatch } from './pipeline/imports.ts'
import { stageRunCounts, startPipeline, workerNames } from './pipeline/pipeline-stack.ts'
import { prepareStandIns } from './pipeline/stand-ins.ts'

/**
 * The same batch of one-second imports through one and then two replicas of each worker
 * (separate processes sharing each stage's durable consumer), with the stand-ins of
 * pipeline-overhead.ts. Reports the throughput of both, and proves from every replica's
 * /metrics that the replicas shared the work and no stage ran twice: completed runs per stage,
 * summed over replicas, equal the jobs, with no redelivery. Exit code 1 when a stage ran
 * twice, a job failed, or two replicas were slower than one.
 *
 * Usage: pnpm --filter @tella/bench scale-out [jobs] [inFlight]
 */
const jobs = Number(process.argv[2] ?? 1000)
const inFlight = Number(process.argv[3] ?? 16)

console.log(`load average at start: ${loadAverage()}`)
const dir = await mkdtemp(path.join(tmpdir(), 'tella-bench-scale-'))
const throughput: number[] = []
let broken = false
try {
  const standIns = await prepareStandIns(dir)
  for (const replicas of [1, 2]) {
    const pipeline = await startPipeline(replicas, {
      ...standIns.env,
      MAX_ACTIVE_JOBS_PER_USER: String(inFlight),
      WORKER_CONCURRENCY: '1',
    })
    try {
      const cpu = () => Promise.all(pipeline.pids().map(processCpuSeconds))
      const [cpuBefore, machineBefore] = await Promise.all([cpu(), machineCpuSeconds()])
      const started = performance.now()
      const finished = await runBatch({
        baseUrl: pipeline.stack.baseUrl,
        natsUrl: pipeline.stack.nats.url,
        clip: standIns.clip,
        jobs,
        inFlight,
        users: 4,
        timeoutMs: 20 * 60_000,
      })
      const seconds = (performance.now() - started) / 1000
      const completed = finished.filter((job) => job.status === 'COMPLETED').length
      throughput.push(completed / seconds)
      console.log(
        `\n${replicas} replica(s) of each worker: ${completed} of ${jobs} completed in ` +
          `${seconds.toFixed(1)} s → ${(completed / seconds).toFixed(1)} jobs/s`,
      )
      if (completed !== jobs) broken = true
      const [cpuAfter, machineAfter] = await Promise.all([cpu(), machineCpuSeconds()])
      const used = cpuAfter.reduce((sum, value, index) => sum + value - (cpuBefore[index] ?? 0), 0)
      const busy = machineAfter.busy - machineBefore.busy
      const cores = (machineAfter.total - machineBefore.total) / seconds
      console.log(
        `  CPU of the services, NATS and their ffmpeg/engine children: ${used.toFixed(0)} s ` +
          `= ${((used / completed) * 1000).toFixed(0)} ms a job (Postgres not counted)`,
      )
      const machineShare = ((busy / seconds / cores) * 100).toFixed(0)
      console.log(
        `  machine busy ${machineShare} % of its ${cores.toFixed(0)} cores; ` +
          `this product ${((used / busy) * 100).toFixed(0)} % of that busy time`,
      )

      for (const name of workerNames) {
        const counts = await Promise.all(pipeline.replicaUrls[name].map(stageRunCounts))
        const runs = counts.map((count) => count.completed ?? 0)
        const total = runs.reduce((sum, value) => sum + value, 0)
        const others = counts.flatMap((count) =>
          Object.entries(count).filter(([key, value]) => key !== 'completed' && value > 0),
        )
        const once = total === jobs && others.length === 0
        console.log(
          `  ${name.padEnd(12)} completed runs ${runs.join(' + ')} = ${total}` +
            `${others.length > 0 ? `, also ${JSON.stringify(others)}` : ''}` +
            ` → ${once ? 'each job once' : 'NOT each job once'}`,
        )
        if (!once) broken = true
      }
    } finally {
      await pipeline.stop()
    }
  }
  const [one, two] = throughput as [number, number]
  console.log(`\nthroughput two replicas / one: ${(two / one).toFixed(2)}`)
  console.log(`load average at end: ${loadAverage()}`)
  if (broken || two < one) process.exitCode = 1
} finally {
  await rm(dir, { recursive: true, force: true })
}
