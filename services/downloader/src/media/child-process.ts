import { spawn } from 'node:child_process'
import { basename, resolve } from 'node:path'
import { CodedError } from '@tella/contracts'
import { spawnError } from '@tella/platform'

/**
 * Time a tool gets to exit after SIGTERM. ffmpeg finishes its output on SIGTERM, but while it
 * is blocked reading a stalled input (a pipe, a hung network mount) it never notices the
 * signal, so SIGKILL follows.
 */
const KILL_GRACE_MS = 1000

/** ffprobe's JSON for ordinary files is a few kilobytes; this only bounds a pathological one. */
const MAX_STDOUT_CHARS = 1024 * 1024

/** Enough stderr to hold the last few lines; ffmpeg can log one line per damaged packet. */
const STDERR_TAIL_CHARS = 8 * 1024

export interface RunToolOptions {
  signal?: AbortSignal | undefined
  /** Called for every complete stdout line; if it throws, the tool is stopped with that error. */
  onStdoutLine?: ((line: string) => void) | undefined
  /** Keep stdout (its first million characters, or `maxStdoutChars`) in the result. */
  collectStdout?: boolean | undefined
  maxStdoutChars?: number | undefined
  /**
   * Run the tool in a process group of its own and stop the whole group. For tools that start
   * helpers of their own (yt-dlp runs ffmpeg and a JavaScript runtime): a helper holding the
   * output pipe would otherwise outlive the tool and keep the call from settling.
   */
  processGroup?: boolean | undefined
}

export interface ToolResult {
  exitCode: number | null
  exitSignal: NodeJS.Signals | null
  stdout: string
  /** True when stdout was longer than what was kept. */
  stdoutTruncated: boolean
  /** The end of stderr, at most 8 Ki characters. */
  stderrTail: string
}

/**
 * Runs a media tool to completion. Resolves with its exit status whatever it is; rejects only
 * when it could not start (ToolUnavailableError when the binary is missing or not executable,
 * INTERNAL_ERROR otherwise), when `signal` aborted it (CANCELLED) or when
 * `onStdoutLine` threw (that error). In the last two cases the promise settles only after the
 * process has exited, so no tool outlives the call.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const { signal } = options
  if (signal?.aborted) return Promise.reject(cancelled(command, signal))

  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: options.processGroup === true,
    })
    const maxStdout = options.maxStdoutChars ?? MAX_STDOUT_CHARS
    const signalTool = (name: NodeJS.Signals): void => {
      if (options.processGroup && child.pid !== undefined) {
        try {
          process.kill(-child.pid, name)
          return
        } catch {
          // The group is gone already; the tool itself may still be reaped below.
        }
      }
      child.kill(name)
    }
    let stopped = false
    let stopReason: unknown
    let killTimer: NodeJS.Timeout | undefined
    let stdout = ''
    let stdoutTruncated = false
    let pendingLine = ''
    let stderrTail = ''

    const stop = (reason: unknown): void => {
      if (stopped) return
      stopped = true
      stopReason = reason
      signalTool('SIGTERM')
      killTimer = setTimeout(() => signalTool('SIGKILL'), KILL_GRACE_MS)
    }
    const onAbort = (): void => stop(cancelled(command, signal))
    signal?.addEventListener('abort', onAbort, { once: true })

    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (options.collectStdout) {
        stdoutTruncated ||= stdout.length + chunk.length > maxStdout
        if (!stdoutTruncated) stdout += chunk
      }
      if (options.onStdoutLine === undefined || stopped) return

      const lines = (pendingLine + chunk).split('\n')
      pendingLine = lines.pop() ?? ''
      try {
        for (const line of lines) options.onStdoutLine(line.trimEnd())
      } catch (error) {
        stop(error)
      }
    })

    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS)
    })

    // After a successful spawn, 'error' only reports a failed kill; 'close' still follows.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return
      signal?.removeEventListener('abort', onAbort)
      const code = error.code ?? 'spawn failed'
      const internal = () =>
        new CodedError('INTERNAL_ERROR', { detail: `${command}: ${code}`, cause: error })
      reject(spawnError(basename(command), command, error, internal))
    })

    child.once('close', (exitCode, exitSignal) => {
      clearTimeout(killTimer)
      signal?.removeEventListener('abort', onAbort)
      // A helper that ignored SIGTERM but let go of the pipes would otherwise live on.
      if (stopped && options.processGroup) signalTool('SIGKILL')
      if (!stopped && pendingLine !== '') {
        try {
          options.onStdoutLine?.(pendingLine.trimEnd())
        } catch (error) {
          stopped = true
          stopReason = error
        }
      }
      if (stopped) reject(stopReason)
      else resolvePromise({ exitCode, exitSignal, stdout, stdoutTruncated, stderrTail })
    })
  })
}

function cancelled(command: string, signal: AbortSignal | undefined): CodedError {
  return new CodedError('CANCELLED', {
    detail: `${basename(command)} stopped: the job was cancelled`,
    cause: signal?.reason,
  })
}

/**
 * The URL ffmpeg and ffprobe are given for a local path. The `file:` prefix stops them from
 * reading a name such as `data: lecture.mp3` or `concat:a|b` as a protocol, and an absolute
 * path cannot start with `-` and be taken for an option.
 */
export function fileUrl(path: string): string {
  return `file:${resolve(path)}`
}

/**
 * The last lines of a tool's stderr, short enough for an error's detail: the file's URL is
 * replaced by its base name (server paths do not belong in a job's error) and the memory
 * addresses ffmpeg prints in `[mp3 @ 0x55…]` are dropped, so the same failure reads the same.
 */
export function stderrDetail(stderrTail: string, path: string, maxLines = 4): string {
  const url = fileUrl(path)
  const lines = stderrTail
    .split('\n')
    .map((line) =>
      line
        .replaceAll(url, basename(path))
        .replace(/ @ 0x[0-9a-f]+\]/g, ']')
        .trim(),
    )
    .filter((line) => line !== '')
  const detail = lines.slice(-maxLines).join('\n')
  return detail.length > 600 ? `…${detail.slice(-600)}` : detail
}
