import { stat } from 'node:fs/promises'

/** Bytes per second of the 16 kHz mono s16le audio every engine receives. */
const wavBytesPerSecond = 16_000 * 2

/** The canonical header; ffmpeg adds a short LIST chunk, which the estimate tolerates. */
const wavHeaderBytes = 44

/**
 * Estimates the length of the input WAV from its size, so that progress works when the caller
 * does not pass `durationSec`. Returns undefined when the file cannot be read; the engine then
 * fails on its own with a clearer message.
 *
 * Limitation: the estimate assumes the promised format; a WAV in another format gives a wrong
 * length, which only skews the progress bar.
 */
export async function estimateWavDurationSec(wavPath: string): Promise<number | undefined> {
  try {
    const { size } = await stat(wavPath)
    return Math.max(0, size - wavHeaderBytes) / wavBytesPerSecond
  } catch {
    return undefined
  }
}

export interface ProgressTracker {
  /** Reports how far into the audio the engine has got, in seconds. */
  reachedSecond(seconds: number): void
  /** Reports the end of the work: 1, unless 1 was already reported. */
  complete(): void
}

/**
 * Turns positions in the audio into fractions that never go backwards and never pass 1, and
 * reports only fractions that moved, so callers can publish each one as it comes.
 *
 * @example
 * const progress = trackProgress(onProgress, 120)
 * progress.reachedSecond(30) // onProgress(0.25)
 * progress.reachedSecond(20) // nothing: progress never goes backwards
 * progress.complete() // onProgress(1)
 */
export function trackProgress(
  onProgress: ((fraction: number) => void) | undefined,
  durationSec: number | undefined,
): ProgressTracker {
  let reported = 0

  const report = (fraction: number) => {
    if (!onProgress || fraction <= reported) return
    reported = fraction
    onProgress(fraction)
  }

  return {
    reachedSecond(seconds) {
      if (!durationSec || durationSec <= 0 || !Number.isFinite(seconds)) return
      report(Math.min(1, seconds / durationSec))
    },
    complete() {
      report(1)
    },
  }
}
