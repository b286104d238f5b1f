import type { Stage } from '@tella/contracts'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export type StageOutcome = 'completed' | 'failed' | 'retry' | 'cancelled' | 'handed-back'

/** What a worker replica tells Prometheus about its stage. */
export class StageMetrics {
  private readonly runs: Counter<'stage' | 'outcome'>
  private readonly durations: Histogram<'stage' | 'outcome'>
  private readonly redeliveries: Counter<'stage'>
  private readonly inFlight: Gauge<'stage'>

  constructor(
    registry: Registry,
    private readonly stage: Stage,
  ) {
    this.runs = new Counter({
      name: 'tella_stage_runs_total',
      help: 'Stage runs by outcome',
      labelNames: ['stage', 'outcome'],
      registers: [registry],
    })
    this.durations = new Histogram({
      name: 'tella_stage_duration_seconds',
      help: 'Wall time of stage runs',
      labelNames: ['stage', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600],
      registers: [registry],
    })
    this.redeliveries = new Counter({
      name: 'tella_stage_redeliveries_total',
      help: 'Commands received again after a failed or lost attempt',
      labelNames: ['stage'],
      registers: [registry],
    })
    this.inFlight = new Gauge({
      name: 'tella_stage_in_flight',
      help: 'Commands this replica is running now',
      labelNames: ['stage'],
      registers: [registry],
    })
  }

  received(deliveryCount: number): void {
    if (deliveryCount > 1) this.redeliveries.inc({ stage: this.stage })
    this.inFlight.inc({ stage: this.stage })
  }

  finished(outcome: StageOutcome, seconds: number): void {
    this.inFlight.dec({ stage: this.stage })
    this.runs.inc({ stage: this.stage, outcome })
    this.durations.observe({ stage: this.stage, outcome }, seconds)
  }
}
