import type { JetStreamClient } from '@nats-io/jetstream'
import { type Stage, subjects } from '@tella/contracts'
import type { Logger } from 'pino'
import { encodeJson } from './json-codec.ts'

const minIntervalMs = 500
const minStep = 0.01

/**
 * Publishes a stage's progress without flooding the broker: at most one event per half
 * second, and only when it moved by at least a percent. Progress is advisory, so a failed
 * publish is logged and dropped; jobs-api never lets progress go backwards anyway.
 */
export class ProgressReporter {
  private lastSent = -1
  private lastSentAt = 0
  private pending: number | null = null
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> = Promise.resolve()

  constructor(
    private readonly js: JetStreamClient,
    private readonly stage: Stage,
    private readonly job: { jobId: string; attempt: number },
    private readonly logger: Logger,
  ) {}

  report(fraction: number): void {
    const value = Math.min(1, Math.max(0, fraction))
    if (value < this.lastSent + minStep && !(value === 0 && this.lastSent < 0)) return
    this.pending = Math.max(value, this.pending ?? 0)
    const wait = this.lastSentAt + minIntervalMs - Date.now()
    if (wait <= 0) this.send()
    else this.timer ??= setTimeout(() => this.send(), wait)
  }

  /**
   * Before the stage's result: progress not yet sent is dropped, since the result stands for
   * the whole stage and one event fewer is one fold fewer on the job's path; what was sent is
   * awaited, so no progress event lands after the result.
   */
  async settle(): Promise<void> {
    this.close()
    await this.inFlight
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = null
  }

  private send(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending === null) return
    const fraction = this.pending
    this.pending = null
    this.lastSent = fraction
    this.lastSentAt = Date.now()
    const payload = {
      kind: 'progress',
      stage: this.stage,
      jobId: this.job.jobId,
      attempt: this.job.attempt,
      fraction,
      at: new Date().toISOString(),
    }
    this.inFlight = this.inFlight
      .then(() => this.js.publish(subjects.event(this.stage, 'progress'), encodeJson(payload)))
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error }, 'progress event not published'),
      )
  }
}
