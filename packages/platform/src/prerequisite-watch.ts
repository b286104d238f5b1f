import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'

/** Something local a stage needs to run: a binary, its model files. */
export interface Prerequisite {
  /** Short name for logs and metrics, e.g. `pocketsphinx`. */
  name: string
  /** Undefined when usable; otherwise a sentence that tells an operator what to fix. */
  check(): string | undefined | Promise<string | undefined>
}

export interface PrerequisiteWatchOptions {
  prerequisites: readonly Prerequisite[]
  /** Time between checks while the worker runs, so a fixed mount is noticed without restart. */
  intervalMs: number
  logger: Logger
  stage: string
  registry?: Registry | undefined
}

/**
 * Checks a worker's prerequisites at start and then every `intervalMs`, and gates its work on
 * them: while one fails the worker takes nothing from the queue (healthy replicas get the
 * commands, and no attempt is counted against the user's job), readiness answers 503 with
 * the reasons, `tella_stage_prerequisites_ok` is 0, and one error line is logged for each
 * change of the reasons, one info line when they clear.
 *
 * Limitation: nothing fails a job because its tools are missing. While every replica of a
 * stage is paused, its commands wait in the queue for as long as that lasts, and their jobs
 * stay IN_PROGRESS at that stage: the wait is the operator's to end, who sees every replica's
 * /readyz answer 503 with the reasons, `tella_stage_prerequisites_ok` at 0 and the "stage
 * paused" error line. Likewise a tool that passes its check but still cannot start (a script
 * whose interpreter is missing) is taken and handed back once per check interval, uncounted,
 * which shows as `tella_stage_runs_total{outcome="handed-back"}` rising and readiness flapping.
 *
 * @example
 * const watch = await PrerequisiteWatch.start({ prerequisites: [ffmpegCheck], intervalMs:
 *   20_000, logger, stage: 'download' })
 * await watch.whenReady(signal) // before each pull
 */
export class PrerequisiteWatch {
  private problems: string[] = []
  private waiters = new Set<() => void>()
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly gauge: Gauge<'stage'> | undefined

  private constructor(private readonly options: PrerequisiteWatchOptions) {
    if (options.registry) {
      this.gauge = new Gauge({
        name: 'tella_stage_prerequisites_ok',
        help: '1 while the tools the stage needs are usable; 0 while it takes no work',
        labelNames: ['stage'],
        registers: [options.registry],
      })
    }
  }

  static async start(options: PrerequisiteWatchOptions): Promise<PrerequisiteWatch> {
    const watch = new PrerequisiteWatch(options)
    await watch.checkNow()
    watch.schedule()
    return watch
  }

  get ready(): boolean {
    return this.problems.length === 0
  }

  /** What is wrong now, one sentence each; empty when ready. */
  get reasons(): readonly string[] {
    return this.problems
  }

  /** Resolves once ready, or at once when `signal` aborts. */
  whenReady(signal?: AbortSignal): Promise<void> {
    if (this.ready || signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done)
        this.waiters.delete(done)
        resolve()
      }
      this.waiters.add(done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  /**
   * A tool failed to start although the last check passed (its mount vanished mid-run):
   * closed until the next scheduled check passes, which also bounds how often a check that
   * misses the cause can let a command be taken and handed back.
   */
  markUnavailable(reason: string): void {
    this.update([reason])
  }

  /** Runs every check once and applies the result. */
  async checkNow(): Promise<void> {
    const results = await Promise.all(
      this.options.prerequisites.map(async (prerequisite) => {
        try {
          return await prerequisite.check()
        } catch (error) {
          return `${prerequisite.name}: the check failed: ${(error as Error).message}`
        }
      }),
    )
    this.update(results.filter((problem): problem is string => problem !== undefined))
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    for (const wake of [...this.waiters]) wake()
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(async () => {
      await this.checkNow()
      this.schedule()
    }, this.options.intervalMs)
    this.timer.unref()
  }

  private update(problems: string[]): void {
    const changed = problems.join('\n') !== this.problems.join('\n')
    const wasReady = this.ready
    this.problems = problems
    this.gauge?.set({ stage: this.options.stage }, problems.length === 0 ? 1 : 0)
    if (!changed) return

    const { logger, stage, intervalMs } = this.options
    if (problems.length > 0) {
      logger.error(
        { stage, problems, recheckInMs: intervalMs },
        'stage paused: takes no work until its tools are usable',
      )
      return
    }
    if (!wasReady) logger.info({ stage }, 'stage resumed: its tools are usable again')
    for (const wake of [...this.waiters]) wake()
  }
}
