import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { librivoxDir } from '@tella/test-support'
import { percentile } from '../lib/stats.ts'

const run = promisify(execFile)

export interface ToolTimes {
  download: number
  transcribe: number
  /** Tool processes the job ran. */
  runs: number
}

export interface StandIns {
  /** A one-second WAV of real speech: the recording every import uploads. */
  clip: string
  /** Environment for the workers: tools that time themselves, an instant speech engine. */
  env: Record<string, string>
  /** Milliseconds each job spent inside ffmpeg, ffprobe and the speech engine, by stage. */
  toolTimes(): Promise<Map<string, ToolTimes>>
  /**
   * Milliseconds a wrapped tool run costs outside its timed window: starting bash, and the
   * spawn and exit as the worker sees them. Measured around /bin/true; a direct run of the
   * tool would count this as the tool's own time.
   */
  wrapperMs: number
}

/**
 * Instant providers and timed tools, set through the workers' existing settings only.
 *
 * - The speech engine is a script that prints what real pocketsphinx printed for the clip,
 *   recorded once here (POCKETSPHINX_PATH), so the transcriber parses real output.
 * - ffmpeg and ffprobe are the real binaries behind a bash wrapper (FFMPEG_PATH, FFPROBE_PATH)
 *   that appends its start and end (bash's clock, no extra process) to a log; the job id is
 *   in the paths the workers pass.
 *
 * The wrappers' own start (a bash process, ~2 ms) is counted as orchestration, not as tool
 * time: the figures lean against the service.
 */
export async function prepareStandIns(dir: string): Promise<StandIns> {
  const clip = path.join(dir, 'clip.wav')
  const source = path.join(librivoxDir, 'sense_and_sensibility_01_austen_64kb-0880.wav')
  await run('sox', [source, clip, 'trim', '0', '1'])
  const recorded = path.join(dir, 'pocketsphinx-output.txt')
  const { stdout } = await run('pocketsphinx_continuous', ['-infile', clip, '-time', 'yes'], {
    maxBuffer: 1024 * 1024,
  })
  await writeFile(recorded, stdout)

  const log = path.join(dir, 'tool-times.log')
  const timed = (name: string, command: string, into = log) =>
    [
      '#!/bin/bash',
      'start=$EPOCHREALTIME',
      command,
      'status=$?',
      `echo "${name} $start $EPOCHREALTIME $*" >> '${into}'`,
      'exit $status',
      '',
    ].join('\n')
  const scripts = {
    ffmpeg: timed('ffmpeg', '/usr/bin/ffmpeg "$@"'),
    ffprobe: timed('ffprobe', '/usr/bin/ffprobe "$@"'),
    pocketsphinx: timed('pocketsphinx', `cat '${recorded}'`),
  }
  for (const [name, text] of Object.entries(scripts)) {
    await writeFile(path.join(dir, name), text)
    await chmod(path.join(dir, name), 0o755)
  }
  await writeFile(log, '')
  const wrapperMs = await calibrate(dir, timed('true', '/bin/true', path.join(dir, 'true.log')))

  return {
    clip,
    env: {
      FFMPEG_PATH: path.join(dir, 'ffmpeg'),
      FFPROBE_PATH: path.join(dir, 'ffprobe'),
      POCKETSPHINX_PATH: path.join(dir, 'pocketsphinx'),
    },
    async toolTimes() {
      const byJob = new Map<string, ToolTimes>()
      for (const line of (await readFile(log, 'utf8')).split('\n')) {
        const match = /^(\S+) (\d+\.\d+) (\d+\.\d+) .*?tella-(job_[A-Za-z0-9]+)-/u.exec(line)
        if (!match) continue
        const [, tool, start, end, jobId] = match as unknown as string[]
        // The transcriber runs only the engine (it finds pauses in the WAV itself); ffprobe
        // and ffmpeg are the download's probe and extraction.
        const stage = tool === 'pocketsphinx' ? 'transcribe' : 'download'
        const times = byJob.get(jobId as string) ?? { download: 0, transcribe: 0, runs: 0 }
        times[stage] += (Number(end) - Number(start)) * 1000
        times.runs += 1
        byJob.set(jobId as string, times)
      }
      return byJob
    },
    wrapperMs,
  }
}

/** Runs the wrapper around /bin/true and returns the median time it spent outside its window. */
async function calibrate(dir: string, script: string): Promise<number> {
  const wrapper = path.join(dir, 'true-wrapper')
  await writeFile(wrapper, script)
  await chmod(wrapper, 0o755)
  const totals: number[] = []
  for (let run = 0; run < 40; run++) {
    const started = performance.now()
    const child = spawn(wrapper, [], { stdio: 'ignore' })
    await once(child, 'exit')
    totals.push(performance.now() - started)
  }
  const inside = (await readFile(path.join(dir, 'true.log'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => {
      const [, start, end] = line.split(' ')
      return (Number(end) - Number(start)) * 1000
    })
  return percentile(
    totals.map((total, index) => total - (inside[index] ?? 0)),
    0.5,
  )
}
