import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { librivoxClips } from '@tella/test-support'
import {
  loadTranscriberSettings,
  transcriberFromSettings,
} from '../services/transcriber/src/settings.ts'
import { buildLecture } from '../test/support/lecture.ts'

/**
 * Offline transcription speed, one chunk at a time against all cores at once, in the same
 * run on the same recording and the same chunks. Reports each run's real-time factor
 * (seconds of work per second of audio; below 1 is faster than real time) and the speed-up.
 * Aim: on two cores or more, the parallel run at least 1.6× faster. Exit code 1 when it is
 * missed, 2 on a machine with one core, where there is nothing to compare.
 *
 * Each run is made `rounds` times and the fastest kept: a busy neighbour slows a run, never
 * speeds it up, so the fastest is the closest to what the code costs. Each run also reports
 * the CPU time of its decoders over its wall time: the cores it actually got. A parallel run
 * that got well under two cores says the machine was shared, not that the code is serial.
 *
 * Usage: pnpm --filter @tella/bench transcription-speed [audioSec] [chunkSec] [rounds]
 */
const audioSec = Number(process.argv[2] ?? 240)
const chunkSec = Number(process.argv[3] ?? 30)
const rounds = Number(process.argv[4] ?? 1)
const aim = 1.6
const cores = availableParallelism()

interface Run {
  wallSec: number
  /** CPU time of the decoders: what the work cost, whoever else used the cores. */
  cpuSec: number
}

/** The offline transcriber exactly as the worker builds it from its settings. */
async function timeRun(wav: string, concurrency: number): Promise<Run> {
  const settings = loadTranscriberSettings({
    POCKETSPHINX_CHUNK_SEC: String(chunkSec),
    POCKETSPHINX_CONCURRENCY: String(concurrency),
  })
  const transcriber = transcriberFromSettings(settings)
  const cpuBefore = await childCpuSeconds()
  const started = performance.now()
  const transcript = await transcriber.transcribe(wav, {})
  const wallSec = (performance.now() - started) / 1000
  if (transcript.segments.length === 0) throw new Error('the recording gave no transcript')
  return { wallSec, cpuSec: (await childCpuSeconds()) - cpuBefore }
}

/** User and system time of this process's finished children, from /proc (Linux). */
async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // cutime and cstime are fields 16 and 17 of the file, counted in clock ticks (100 a second).
  return (Number(fields[13]) + Number(fields[14])) / 100
}

function fixed(value: number, digits = 3): string {
  return value.toFixed(digits)
}

const dir = await mkdtemp(path.join(tmpdir(), 'tella-bench-speed-'))
try {
  const wav = path.join(dir, 'lecture.wav')
  const lecture = await buildLecture(await librivoxClips(), wav, audioSec)
  console.log(
    `recording: ${fixed(lecture.durationSec, 1)} s of LibriVox speech, ` +
      `${lecture.placements.length} clips; chunks of at most ${chunkSec} s; ${cores} cores`,
  )
  console.log(
    `load average at start: ${loadavg()
      .map((value) => fixed(value, 2))
      .join(' ')}`,
  )

  let serial: Run | undefined
  let parallel: Run | undefined
  for (let round = 1; round <= rounds; round += 1) {
    const one = await timeRun(wav, 1)
    if (!serial || one.wallSec < serial.wallSec) serial = one
    const all = await timeRun(wav, cores)
    if (!parallel || all.wallSec < parallel.wallSec) parallel = all
  }
  if (!serial || !parallel) throw new Error('rounds must be at least 1')

  const speedUp = serial.wallSec / parallel.wallSec
  const report = (label: string, run: Run) =>
    console.log(
      `${label}: ${fixed(run.wallSec, 1)} s, RTF ${fixed(run.wallSec / lecture.durationSec)}; ` +
        `decoders used ${fixed(run.cpuSec, 1)} CPU s, ` +
        `${fixed(run.cpuSec / run.wallSec, 2)} cores on average`,
    )
  report('one chunk at a time', serial)
  report(`${cores} chunks at a time`, parallel)
  console.log(`speed-up: ${fixed(speedUp, 2)}× (aim on two cores or more: ≥ ${aim}×)`)
  console.log(
    `load average at end: ${loadavg()
      .map((value) => fixed(value, 2))
      .join(' ')}`,
  )

  if (cores < 2) {
    console.error('one core: parallel chunks cannot be faster here; nothing to hold')
    process.exitCode = 2
  } else if (speedUp < aim) {
    console.error(`FAIL: speed-up ${fixed(speedUp, 2)}× is under ${aim}×`)
    process.exitCode = 1
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
