import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { CodedError } from '@tella/contracts'
import { spawnError, ToolUnavailableError } from '@tella/platform'
import type { SpeechEngine, TranscribeOptions, Transcript } from './engine.ts'
import { missingModelFile, type PocketsphinxModel } from './pocketsphinx-check.ts'
import { PocketsphinxOutput } from './pocketsphinx-output.ts'
import { estimateWavDurationSec, type ProgressTracker, trackProgress } from './progress.ts'
import { groupWordsIntoSegments, joinSegmentTexts } from './segments.ts'

export interface PocketsphinxEngineOptions {
  /** Executable name or path; Debian's package installs `pocketsphinx_continuous`. */
  binary?: string
  /** Acoustic model directory; the binary's default is Debian's en-us model. */
  hmm?: string
  /** Language model file. */
  lm?: string
  /** Pronunciation dictionary file. */
  dict?: string
}

/** How long a process gets to end after SIGTERM before it is killed outright. */
const killGraceMs = 1000

/** Enough of the log to say why a run failed without keeping a long log in memory. */
const keptErrorLines = 5

const errorLogLine = /^(ERROR|FATAL)\b/

/**
 * Offline English transcription with CMU PocketSphinx, run as one process per file.
 *
 * The process log is read rather than sent to `-logfn /dev/null`: its ERROR and FATAL lines
 * are the only account of why a run failed (wrong sample rate, unreadable model, not a WAV),
 * and they become the `detail` of the coded error.
 *
 * @example
 * const engine = createPocketsphinxEngine()
 * const transcript = await engine.transcribe('/tmp/audio.wav', { signal, onProgress })
 */
export function createPocketsphinxEngine(options: PocketsphinxEngineOptions = {}): SpeechEngine {
  const binary = options.binary ?? 'pocketsphinx_continuous'
  if (binary.trim() === '') throw new TypeError('pocketsphinx option "binary" must not be empty')

  const modelArgs: string[] = []
  const model: Partial<PocketsphinxModel> = {}
  for (const name of ['hmm', 'lm', 'dict'] as const) {
    const value = options[name]
    if (value === undefined) continue
    if (value.trim() === '') throw new TypeError(`pocketsphinx option "${name}" must not be empty`)
    modelArgs.push(`-${name}`, value)
    model[name] = value
  }

  return {
    name: 'pocketsphinx',
    async transcribe(wavPath, transcribeOptions) {
      if (transcribeOptions.signal?.aborted) throw new CodedError('CANCELLED')

      const durationSec = transcribeOptions.durationSec ?? (await estimateWavDurationSec(wavPath))
      const args = ['-infile', wavPath, '-time', 'yes', ...modelArgs]
      return runDecoder(binary, args, durationSec, transcribeOptions, model)
    },
  }
}

async function runDecoder(
  binary: string,
  args: string[],
  durationSec: number | undefined,
  options: TranscribeOptions,
  model: Partial<PocketsphinxModel>,
): Promise<Transcript> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = new PocketsphinxOutput()
  const progress = trackProgress(options.onProgress, durationSec)
  const stopper = stopOnAbort(child, options.signal)
  const failure: { error?: unknown } = {}

  const reading = readStdout(child.stdout, output, progress, (error) => {
    failure.error ??= error
    stopper.stop()
  })
  const errorLines = collectErrorLines(child.stderr)

  try {
    const [exit] = await Promise.all([waitForExit(child, binary), reading])

    if (stopper.aborted) throw new CodedError('CANCELLED')
    if (failure.error) throw failure.error
    if (exit.code !== 0) {
      // A model that vanished since the last check is the worker's trouble, not the audio's.
      const missing = missingModelFile(model)
      if (missing) {
        throw new ToolUnavailableError('pocketsphinx', `model file ${missing} is missing`)
      }
      const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with ${exit.code}`
      const log = errorLines.join(' | ') || 'no error in its log'
      throw new CodedError('TRANSCRIPTION_FAILED', { detail: `${binary} ${how}: ${log}` })
    }
  } finally {
    stopper.dispose()
  }

  const segments = groupWordsIntoSegments(output.words)
  progress.complete()
  return { text: joinSegmentTexts(segments), segments }
}

/**
 * Reads stdout line by line as pocketsphinx writes it. It flushes after each utterance, so
 * progress is reported once per utterance: the words of one arrive together anyway, and
 * callers are spared one call per word.
 */
function readStdout(
  stdout: Readable,
  output: PocketsphinxOutput,
  progress: ProgressTracker,
  onCallbackError: (error: unknown) => void,
): Promise<void> {
  const lines = createInterface({ input: stdout, crlfDelay: Number.POSITIVE_INFINITY })

  lines.on('line', (line) => {
    if (!output.push(line)) return
    try {
      progress.reachedSecond(output.lastWordEnd)
    } catch (error) {
      // A throwing progress callback must not crash the process from inside a stream event.
      onCallbackError(error)
    }
  })

  return new Promise((resolve) => lines.once('close', resolve))
}

function collectErrorLines(stderr: Readable): string[] {
  const kept: string[] = []
  const lines = createInterface({ input: stderr, crlfDelay: Number.POSITIVE_INFINITY })

  lines.on('line', (line) => {
    if (!errorLogLine.test(line)) return
    kept.push(line.trim())
    if (kept.length > keptErrorLines) kept.shift()
  })

  return kept
}

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

function waitForExit(child: ChildProcess, binary: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    child.once('close', (code, signal) => resolve({ code, signal }))
    child.once('error', (error: NodeJS.ErrnoException) => {
      // After a successful spawn, 'error' only reports a failed kill; 'close' still follows.
      if (child.pid !== undefined) return
      reject(spawnFailure(error, binary))
    })
  })
}

/** A binary missing or not executable is ToolUnavailableError: no retry of the job helps. */
function spawnFailure(error: NodeJS.ErrnoException, binary: string): Error {
  const unavailable = spawnError('pocketsphinx', binary, error, () => {
    return new Error(`${binary} could not be started: ${error.message}`, { cause: error })
  })
  if (!(unavailable instanceof ToolUnavailableError)) return unavailable
  const hint = 'install the Debian packages pocketsphinx pocketsphinx-en-us'
  return new ToolUnavailableError('pocketsphinx', `${unavailable.message}: ${hint}`, {
    cause: error,
  })
}

interface Stopper {
  /** True once the abort signal stopped the process. */
  readonly aborted: boolean
  /** Ends the process: SIGTERM now, SIGKILL if it is still there after the grace period. */
  stop(): void
  /** Forgets the signal and any pending SIGKILL; called once the process is gone. */
  dispose(): void
}

function stopOnAbort(child: ChildProcess, signal: AbortSignal | undefined): Stopper {
  let killTimer: NodeJS.Timeout | undefined
  let aborted = false

  const stop = () => {
    if (killTimer || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs)
  }
  const onAbort = () => {
    aborted = true
    stop()
  }
  // The signal may have fired while the duration was being estimated, before this listener.
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })

  return {
    get aborted() {
      return aborted
    },
    stop,
    dispose() {
      signal?.removeEventListener('abort', onAbort)
      clearTimeout(killTimer)
    },
  }
}
