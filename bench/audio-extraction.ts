import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { librivoxClips } from '@tella/test-support'
import { extractAudio } from '../services/downloader/src/media/extract.ts'
import { loadAverage } from './lib/load.ts'
import { percentile } from './lib/stats.ts'

/**
 * The downloader's extraction (`extractAudio`: ffmpeg, its progress read line by line, the
 * output checked) of a one-hour AAC recording in an M4A container, against ffmpeg run
 * directly with the very arguments the service passed, recorded from a first run. Runs
 * alternate, and the medians are compared. Aim: the service adds no more than 10 %.
 * Exit code 1 when it adds more.
 *
 * Usage: pnpm --filter @tella/bench audio-extraction [rounds] [minutes]
 */
const rounds = Number(process.argv[2] ?? 3)
const minutes = Number(process.argv[3] ?? 60)
const ffmpeg = '/usr/bin/ffmpeg'
const aim = 0.1
const run = promisify(execFile)

console.log(`load average at start: ${loadAverage()}`)
const dir = await mkdtemp(path.join(tmpdir(), 'tella-bench-extract-'))
try {
  const source = await buildSource(dir)
  const args = await recordArguments(source)
  const output = path.join(dir, 'audio.wav')
  const service: number[] = []
  const direct: number[] = []

  for (let round = 0; round < rounds; round++) {
    let started = performance.now()
    let reported = 0
    const audio = await extractAudio(source, output, {
      ffmpeg,
      expectedDurationSec: minutes * 60,
      onProgress: (fraction) => {
        reported = fraction
      },
    })
    service.push((performance.now() - started) / 1000)
    if (reported !== 1 || Math.abs(audio.durationSec - minutes * 60) > 1) {
      throw new Error(`extraction gave ${audio.durationSec} s, progress ${reported}`)
    }
    await rm(output)

    started = performance.now()
    const child = spawn(
      ffmpeg,
      args.map((arg) => arg.replace('{output}', output)),
      { stdio: ['ignore', 'ignore', 'ignore'] },
    )
    const [code] = await once(child, 'exit')
    direct.push((performance.now() - started) / 1000)
    if (code !== 0) throw new Error(`ffmpeg exited ${code}`)
    await rm(output)
    console.log(
      `  round ${round + 1}: service ${service.at(-1)?.toFixed(2)} s, ` +
        `ffmpeg alone ${direct.at(-1)?.toFixed(2)} s`,
    )
  }

  const serviceMedian = percentile(service, 0.5)
  const directMedian = percentile(direct, 0.5)
  const added = serviceMedian / directMedian - 1
  console.log(`\n${minutes} min stereo AAC/M4A → 16 kHz mono WAV, median of ${rounds}`)
  console.log(`  ffmpeg ${args.join(' ')}`)
  console.log(`  ffmpeg alone        ${directMedian.toFixed(2)} s`)
  console.log(`  extractAudio        ${serviceMedian.toFixed(2)} s`)
  console.log(`  added by the service ${(added * 100).toFixed(1)} % (aim ≤ ${aim * 100} %)`)
  console.log(`load average at end: ${loadAverage()}`)
  if (added > aim) process.exitCode = 1
} finally {
  await rm(dir, { recursive: true, force: true })
}

/** The LibriVox clips joined, looped to `minutes`, encoded as 44.1 kHz stereo AAC in M4A. */
async function buildSource(workDir: string): Promise<string> {
  const joined = path.join(workDir, 'clips.wav')
  await run('sox', [...(await librivoxClips()).map((clip) => clip.file), joined])
  const source = path.join(workDir, 'lecture.m4a')
  const started = performance.now()
  await run(ffmpeg, [
    ...['-hide_banner', '-v', 'error', '-stream_loop', '-1', '-i', joined],
    // As a phone or camera records: 44.1 kHz stereo, so extraction resamples and downmixes.
    ...['-t', String(minutes * 60), '-ar', '44100', '-ac', '2', '-c:a', 'aac', '-b:a', '96k'],
    source,
  ])
  const { size } = await stat(source)
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  const mib = (size / 2 ** 20).toFixed(1)
  console.log(`source: ${minutes} min 44.1 kHz stereo AAC in M4A, ${mib} MiB (${seconds} s)`)
  return source
}

/** The arguments extractAudio gives ffmpeg, captured by a stand-in that writes them down. */
async function recordArguments(source: string): Promise<string[]> {
  const recorder = path.join(dir, 'record-args')
  const recorded = path.join(dir, 'args')
  await writeFile(
    recorder,
    `#!/bin/bash\nprintf '%s\\0' "$@" > '${recorded}'\nexec ${ffmpeg} "$@"\n`,
  )
  await chmod(recorder, 0o755)
  const probe = path.join(dir, 'probe.wav')
  await extractAudio(source, probe, { ffmpeg: recorder })
  await rm(probe)
  const args = (await readFile(recorded, 'utf8')).split('\0').filter(Boolean)
  if (!args.some((arg) => arg.includes(probe))) throw new Error('no output argument')
  return args.map((arg) => arg.replace(probe, '{output}'))
}
