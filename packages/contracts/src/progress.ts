import type { Stage } from './subjects.ts'

/**
 * Overall progress percentage owned by each stage, from the reference: setup and file
 * processing 0–25, transcription 25–75, summary 75–95, note creation 95–100.
 */
export const stageProgressRange: Record<Stage | 'note', { from: number; to: number }> = {
  download: { from: 0, to: 25 },
  transcribe: { from: 25, to: 75 },
  summarize: { from: 75, to: 95 },
  note: { from: 95, to: 100 },
}

/**
 * Maps a stage's own fraction (0..1) onto the job's overall percentage, rounded down so a
 * stage never reports its end before its result arrives.
 *
 * @example
 * overallProgress('transcribe', 0.5) // 50
 */
export function overallProgress(stage: Stage, fraction: number): number {
  const range = stageProgressRange[stage]
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))
  return Math.floor(range.from + (range.to - range.from) * clamped)
}
