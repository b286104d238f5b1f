import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

export const librivoxDir = process.env.LIBRIVOX_DIR ?? '/usr/share/pocketsphinx/test/data/librivox'

export interface LibrivoxClip {
  file: string
  reference: string
}

/** The recordings of `pocketsphinx-testdata` with their reference transcriptions. */
export async function librivoxClips(): Promise<LibrivoxClip[]> {
  const lines = (await readFile(path.join(librivoxDir, 'transcription'), 'utf8')).split('\n')
  const clips: LibrivoxClip[] = []
  for (const line of lines) {
    const match = /^<s>\s*(.*?)\s*<\/s>\s*\((.+)\)\s*$/u.exec(line.trim())
    if (match?.[1] && match[2]) {
      clips.push({ file: path.join(librivoxDir, `${match[2]}.wav`), reference: match[1] })
    }
  }
  return clips
}

/**
 * Joins clips into one recording with `gapSec` of silence between them (sox), and returns
 * where each clip starts: a lecture-like file whose truth is known.
 */
export async function concatenateClips(
  clips: LibrivoxClip[],
  output: string,
  gapSec = 1,
): Promise<{ starts: number[]; reference: string; durationSec: number }> {
  const starts: number[] = []
  const parts: string[] = []
  let at = 0
  for (const [index, clip] of clips.entries()) {
    if (index > 0) {
      // A piped null source gives exact digital silence of the gap's length.
      parts.push(`|sox -n -r 16000 -c 1 -b 16 -t wav - trim 0 ${gapSec}`)
      at += gapSec
    }
    starts.push(at)
    parts.push(clip.file)
    at += await durationOf(clip.file)
  }
  await promisify(execFile)('sox', [...parts, output])
  const reference = clips.map((clip) => clip.reference).join(' ')
  return { starts, reference, durationSec: at }
}

export async function durationOf(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)('soxi', ['-D', file])
  return Number(stdout.trim())
}
