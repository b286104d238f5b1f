import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const librivoxDir = '/usr/share/pocketsphinx/test/data/librivox'

/** The five recordings of `pocketsphinx-testdata`, 3–7 s of read speech each. */
export const librivoxFiles = ['0870', '0880', '0890', '0920', '0930'].map((id) =>
  join(librivoxDir, `sense_and_sensibility_01_austen_64kb-${id}.wav`),
)

export async function durationOf(wav: string): Promise<number> {
  const { stdout } = await run('soxi', ['-D', wav])
  return Number(stdout)
}

/** Digital silence in the 16 kHz mono s16le format every engine gets. */
export async function silenceWav(path: string, seconds: number): Promise<string> {
  await run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', path, 'trim', '0', `${seconds}`])
  return path
}

/**
 * Joins recordings with the given pauses between them and says where each one lies, so a
 * test knows the true time of every word it gets back.
 *
 * @example
 * const { wav, placements } = await joinWithPauses(dir, librivoxFiles.slice(0, 2), [3])
 * // placements: [{ start: 0, end: 7.1 }, { start: 10.1, end: 13.09 }]
 */
export async function joinWithPauses(
  dir: string,
  files: readonly string[],
  pausesSec: readonly number[],
): Promise<{ wav: string; placements: { start: number; end: number }[]; durationSec: number }> {
  const inputs: string[] = []
  const placements: { start: number; end: number }[] = []
  let at = 0
  for (const [index, file] of files.entries()) {
    if (index > 0) {
      const pause = pausesSec[(index - 1) % pausesSec.length] ?? 1
      inputs.push(await silenceWav(join(dir, `pause-${index}.wav`), pause))
      at += pause
    }
    const duration = await durationOf(file)
    inputs.push(file)
    placements.push({ start: at, end: at + duration })
    at += duration
  }
  const wav = join(dir, 'joined.wav')
  await run('sox', [...inputs, wav])
  return { wav, placements, durationSec: at }
}
