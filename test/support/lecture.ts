import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { durationOf, type LibrivoxClip } from './librivox.ts'

const run = promisify(execFile)

/** Where one clip lies in a built recording, in seconds. */
export interface Placement {
  clip: LibrivoxClip
  start: number
  end: number
}

export interface Lecture {
  placements: Placement[]
  durationSec: number
  /** The reference transcriptions of every placed clip, in order. */
  reference: string
}

/**
 * Pauses between clips, cycled: varied so that no chunk boundary falls at a fixed period,
 * and each at least 1.5 s, so the one-second windows of neighbouring clips never touch.
 */
export const lectureGapsSec = [1.5, 2.75, 4, 2, 6, 3.25, 1.75, 5]

/**
 * Builds a lecture-like recording of about `targetSec` from real speech: the clips again and
 * again, in order, with varied digital silence between them. Every placement is known to the
 * sample, which is what timing tests hold a transcript to. With `wholeRounds` it goes on to
 * the end of a round of all the clips.
 *
 * @example
 * const lecture = await buildLecture(await librivoxClips(), '/tmp/x/lecture.wav', 1800)
 * lecture.placements[7] // { clip, start: 57.63, end: 60.62 }
 */
export async function buildLecture(
  clips: readonly LibrivoxClip[],
  output: string,
  targetSec: number,
  options: { wholeRounds?: boolean } = {},
): Promise<Lecture> {
  if (clips.length === 0) throw new Error('buildLecture needs at least one clip')
  const workDir = path.dirname(output)
  const durations = await Promise.all(clips.map((clip) => durationOf(clip.file)))

  const gapFiles = new Map<number, string>()
  for (const gap of new Set(lectureGapsSec)) {
    const file = path.join(workDir, `gap-${gap}.wav`)
    await run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', file, 'trim', '0', `${gap}`])
    gapFiles.set(gap, file)
  }

  const placements: Placement[] = []
  const inputs: string[] = []
  let at = 0
  // With `wholeRounds`, every clip appears equally often, so per-clip figures compare.
  const more = (index: number) =>
    at < targetSec || (options.wholeRounds === true && index % clips.length !== 0)
  for (let index = 0; more(index); index += 1) {
    if (index > 0) {
      const gap = lectureGapsSec[(index - 1) % lectureGapsSec.length] as number
      inputs.push(gapFiles.get(gap) as string)
      at += gap
    }
    const clip = clips[index % clips.length] as LibrivoxClip
    const duration = durations[index % clips.length] as number
    inputs.push(clip.file)
    placements.push({ clip, start: at, end: at + duration })
    at += duration
  }

  // One sox run joins them all; the inputs share rate, width and channels, so it is exact.
  await run('sox', [...inputs, output], { maxBuffer: 1024 * 1024 })
  const reference = placements.map((placement) => placement.clip.reference).join(' ')
  return { placements, durationSec: at, reference }
}

export interface TimedSegment {
  start: number
  end: number
  text: string
}

export interface PlacementCheck {
  /** Segments that lie in no clip's window: text where there was silence. */
  strays: TimedSegment[]
  /** Clips with no segment in their window. */
  missed: Placement[]
  /** Largest distance between a clip's edges and its segments' outer edges, in seconds. */
  worstEdgeErrorSec: number
  /** The clip and edge where that distance was found. */
  worst: { placement: Placement; edge: 'start' | 'end' } | undefined
}

/**
 * Holds a transcript's segments to the clips' placements: each segment must fall inside one
 * clip widened by `toleranceSec`, and the first and last segments of each clip must meet its
 * edges. Pocketsphinx's first word starts about 0.2 s into these clips, and the last word
 * ends about 0.1 s before their ends.
 */
export function checkPlacements(
  segments: readonly TimedSegment[],
  placements: readonly Placement[],
  toleranceSec: number,
): PlacementCheck {
  const strays: TimedSegment[] = []
  const inClip = new Map<Placement, TimedSegment[]>()
  for (const segment of segments) {
    const owner = placements.find(
      (p) => segment.start >= p.start - toleranceSec && segment.end <= p.end + toleranceSec,
    )
    if (!owner) strays.push(segment)
    else inClip.set(owner, [...(inClip.get(owner) ?? []), segment])
  }

  const missed: Placement[] = []
  let worstEdgeErrorSec = 0
  let worst: PlacementCheck['worst']
  for (const placement of placements) {
    const own = inClip.get(placement)
    if (!own || own.length === 0) {
      missed.push(placement)
      continue
    }
    const startError = Math.abs((own[0] as TimedSegment).start - placement.start)
    const endError = Math.abs((own.at(-1) as TimedSegment).end - placement.end)
    if (startError > worstEdgeErrorSec) {
      worstEdgeErrorSec = startError
      worst = { placement, edge: 'start' }
    }
    if (endError > worstEdgeErrorSec) {
      worstEdgeErrorSec = endError
      worst = { placement, edge: 'end' }
    }
  }
  return { strays, missed, worstEdgeErrorSec, worst }
}
