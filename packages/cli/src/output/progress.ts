import type { Job } from '@tella/contracts'
import type { Output } from './output.ts'

const stageLabels: Record<string, string> = {
  download: 'preparing audio',
  transcribe: 'transcribing',
  summarize: 'summarising',
  note: 'creating the note',
}

/** What the job is doing, in words: `queued`, `transcribing`, `completed`… */
export function activity(job: Pick<Job, 'status' | 'stage'>): string {
  if (job.status === 'PENDING') return 'queued'
  if (job.status === 'IN_PROGRESS') return stageLabels[job.stage] ?? job.stage
  return job.status.toLowerCase()
}

export interface ProgressView {
  update(job: Job): void
  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void
}

/**
 * A job's progress on stdout: a bar redrawn in place on a terminal, otherwise one plain
 * line per change (logs and pipes get no carriage returns).
 */
export function progressView(output: Output): ProgressView {
  let last = ''
  let drawn = false
  return {
    update(job) {
      const percent = `${String(Math.round(job.progress)).padStart(3)}%`
      const text = `${percent}  ${activity(job)}`
      if (text === last) return
      last = text
      if (!output.tty) {
        output.out(`progress ${text}`)
        return
      }
      const width = Math.max(10, Math.min(40, output.columns - 30))
      output.draw(`\r\u001b[2K${bar(job.progress, width)} ${text}`)
      drawn = true
    },
    finish() {
      if (drawn) output.draw('\n')
      drawn = false
    },
  }
}

function bar(progress: number, width: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, progress)) / 100) * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}
