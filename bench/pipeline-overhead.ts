import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadAverage } from './lib/load.ts'
import { percentile } from './lib/stats.ts'
import { runBatch } from './pipeline/imports.ts'
import { startPipeline } from './pipeline/pipeline-stack.ts'
import { prepareStandIns } from './pipeline/stand-ins.ts'

/**
 * What the orchestration adds to each import: 1,000 one-second uploads through jobs-api and
 * the three workers, with an instant speech engine and the real ffmpeg. For each job, the
 * time from creation to COMPLETED (both stamped by Postgres) minus the time spent inside
 * ffmpeg, ffprobe and the speech engine (timed by wrappers around them). A fixed number of
 * imports is kept in flight, and each worker runs as many stages at once, so no job waits for
 * a busy worker: what remains is the relay, the broker, the folding and the object store.
 * Aim: p50 under 50 ms. Exit code 1 when it is missed or a job fails.
 *
 * Usage: pnpm --filter @tella/bench pipeline-overhead [jobs] [inFlight]
 */
const jobs = Number(process.argv[2] ?? 1000)
const inFlight = Number(process.argv[3] ?? 1)
const aimMs = 50

console.log(`load average at start: ${loadAverage()}`)
const dir = await mkdtemp(path.join(tmpdir(), 'tella-bench-pipeline-'))
try {
  const standIns = await prepareStandIns(dir)
  const pipeline = await startPipeline(1, {
    ...standIns.env,
    MAX_ACTIVE_JOBS_PER_USER: String(inFlight + 1),
    WORKER_CONCURRENCY: String(inFlight),
  })
  try {
    const started = performance.now()
    const finished = await runBatch({
      baseUrl: pipeline.stack.baseUrl,
      natsUrl: pipeline.stack.nats.url,
      clip: standIns.clip,
      jobs,
      inFlight,
      users: 10,
      timeoutMs: 20 * 60_000,
    })
    const seconds = (performance.now() - started) / 1000
    // The last stage's log line can trail its event by a moment.
    await new Promise((resolve) => setTimeout(resolve, 500))

    const tools = await standIns.toolTimes()
    const handlers = new Map<string, Record<string, number>>()
    for (const run of pipeline.stageRuns) {
      const byStage = handlers.get(run.jobId) ?? {}
      byStage[run.stage] = (byStage[run.stage] ?? 0) + run.ms
      handlers.set(run.jobId, byStage)
    }
    const failed = finished.filter((job) => job.status !== 'COMPLETED')
    const done = finished.filter((job) => job.status === 'COMPLETED')
    const each = (measure: (job: (typeof done)[number]) => number) => done.map(measure)
    const wall = each((job) => Date.parse(job.completedAt as string) - Date.parse(job.createdAt))
    const tool = (id: string) => tools.get(id) ?? { download: 0, transcribe: 0, runs: 0 }
    const handler = (id: string, stage: string) => handlers.get(id)?.[stage] ?? 0
    const inHandlers = (id: string) =>
      handler(id, 'download') + handler(id, 'transcribe') + handler(id, 'summarize')
    const toolMs = each((job) => tool(job.id).download + tool(job.id).transcribe)
    const raw = wall.map((ms, index) => ms - (toolMs[index] as number))
    const overhead = done.map(
      (job, index) => (raw[index] as number) - tool(job.id).runs * standIns.wrapperMs,
    )

    const row = (label: string, values: number[]) =>
      console.log(
        `  ${label.padEnd(50)} p50 ${percentile(values, 0.5).toFixed(0).padStart(5)} ms` +
          `   p99 ${percentile(values, 0.99).toFixed(0).padStart(5)} ms`,
      )
    console.log(
      `${done.length} of ${jobs} imports completed in ${seconds.toFixed(1)} s ` +
        `(${(done.length / seconds).toFixed(1)} jobs/s), ${inFlight} in flight`,
    )
    row('create → COMPLETED', wall)
    row('inside ffmpeg, ffprobe and the speech engine', toolMs)
    row(
      'download stage, besides ffprobe and ffmpeg',
      each((job) => handler(job.id, 'download') - tool(job.id).download),
    )
    row(
      'transcribe stage, besides the speech engine',
      each((job) => handler(job.id, 'transcribe') - tool(job.id).transcribe),
    )
    row(
      'summarize stage (extractive, in process)',
      each((job) => handler(job.id, 'summarize')),
    )
    row(
      'between stages (relay, broker, folding)',
      done.map((job, index) => (wall[index] as number) - inHandlers(job.id)),
    )
    row('create → COMPLETED − tools', raw)
    const runs = percentile(
      done.map((job) => tool(job.id).runs),
      0.5,
    )
    console.log(
      `  the timing wrappers cost ${standIns.wrapperMs.toFixed(1)} ms a tool run ` +
        `(${runs} runs a job), which is the tools' time, not orchestration:`,
    )
    row('orchestration added', overhead)
    const p50 = percentile(overhead, 0.5)
    console.log(`  aim: p50 < ${aimMs} ms → ${(p50 / aimMs).toFixed(2)} of the budget`)
    console.log(`load average at end: ${loadAverage()}`)
    if (failed.length > 0) {
      console.log(`FAILED jobs: ${failed.length}, e.g. ${JSON.stringify(failed[0])}`)
    }
    if (p50 >= aimMs || failed.length > 0) process.exitCode = 1
  } finally {
    await pipeline.stop()
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
