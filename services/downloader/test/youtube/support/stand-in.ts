/**
 * Installs the yt-dlp stand-in (`fake-ytdlp.mjs`) as an executable named `yt-dlp` in a fresh
 * temporary folder, with its scenario written into it, so the engine runs it exactly as it
 * runs the real tool: by path, as a subprocess, reading its stdout, stderr and exit code.
 */
import { readFileSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const runner = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-ytdlp.mjs'),
).href

export interface Scenario {
  /** What `--version` prints. */
  version: string
  /** The info JSON printed for `--dump-single-json`. */
  metadata?: object
  /** The audio file the download "fetches", in chunks, with progress after each. */
  audio?: {
    file: string
    ext: string
    formatId?: string
    chunks?: number
    chunkDelayMs?: number
    /** Whether progress lines carry an exact total, only an estimate, or neither. */
    total?: 'exact' | 'estimate' | 'none'
  }
  /** yt-dlp's failure: its stderr lines and exit code, at the start of a phase or mid-way. */
  fail?: { phase: 'metadata' | 'download'; stderr: string[]; exitCode: number; afterBytes?: number }
  /** A phase that never answers. */
  hang?: 'version' | 'metadata' | 'download'
  ignoreSigterm?: boolean
  /** Per video id, what differs from the rest of the scenario. */
  videos?: Record<string, Omit<Scenario, 'version' | 'videos'>>
}

export interface StandIn {
  /** The executable, for `YTDLP_PATH`. */
  executable: string
  /** The argument lists it was called with, in order. */
  calls(): Promise<string[][]>
  /** Ids of every process it ran: its own runs and the helpers a hanging run started. */
  pids(): Promise<number[]>
  /** Ids of the helpers hanging runs started: one means the scenario's hang was reached. */
  helpers(): Promise<number[]>
  remove(): Promise<void>
}

interface LogEntry {
  pid?: number
  helperPid?: number
  argv?: string[]
}

/** Writes the stand-in; remove it with `remove()` (tests do so in their teardown). */
export async function installStandIn(scenario: Scenario): Promise<StandIn> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tella-ytdlp-'))
  const executable = path.join(dir, 'yt-dlp')
  const log = path.join(dir, 'calls.jsonl')
  await writeFile(log, '')
  const body = JSON.stringify({ ...scenario, log })
  // CommonJS or ESM alike can run this line, so the file needs no extension, as yt-dlp has
  // none; a temporary folder has no package.json above it to say otherwise.
  const call = `import(${JSON.stringify(runner)}).then((m) => m.main(${body}))`
  const script = `#!${process.execPath}\n${call}\n`
  await writeFile(executable, script)
  await chmod(executable, 0o755)

  const entries = async (): Promise<LogEntry[]> =>
    (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogEntry)

  return {
    executable,
    calls: async () => (await entries()).flatMap((entry) => (entry.argv ? [entry.argv] : [])),
    pids: async () =>
      (await entries()).flatMap((entry) => [entry.pid, entry.helperPid]).filter(isNumber),
    helpers: async () => (await entries()).map((entry) => entry.helperPid).filter(isNumber),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

function isNumber(value: number | undefined): value is number {
  return typeof value === 'number'
}

/**
 * True while a process exists and has not exited. A zombie, dead but not yet reaped by the
 * process it was handed to, counts as gone: it runs nothing and holds nothing but its id.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The state follows the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

export function watchUrl(id: string): string {
  return `https://www.youtube.com/watch?v=${id}`
}

/** yt-dlp's error line for a video, as it prints them: `ERROR: [youtube] <id>: <reason>`. */
export function youtubeError(id: string, reason: string): string {
  return `ERROR: [youtube] ${id}: ${reason}`
}
