import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from './wait.ts'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type ServiceName = 'jobs-api' | 'downloader' | 'transcriber' | 'summarizer'

const entryPoints: Record<ServiceName, string> = {
  'jobs-api': 'services/jobs-api/src/server.ts',
  downloader: 'services/downloader/src/main.ts',
  transcriber: 'services/transcriber/src/main.ts',
  summarizer: 'services/summarizer/src/main.ts',
}

export interface ServiceProcess {
  name: ServiceName
  readonly process: ChildProcess
  /** The last 20 000 characters the service logged, for failure messages. */
  readonly logs: string
  /** Sends a signal and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  start(): Promise<void>
}

/**
 * Runs one service as its own Node process, as in production, so tests can SIGKILL it
 * mid-stage. `ready` says when its log shows it is serving.
 */
export function serviceProcess(name: ServiceName, env: Record<string, string>): ServiceProcess {
  let child: ChildProcess | undefined
  let logs = ''

  const start = async () => {
    logs = ''
    child = spawn(process.execPath, ['--import', 'tsx', entryPoints[name]], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const collect = (chunk: Buffer) => {
      logs = (logs + chunk.toString()).slice(-20_000)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    const started = child
    await waitFor(
      () => {
        if (started.exitCode !== null) {
          throw new Error(`${name} exited with ${started.exitCode} at start:\n${logs}`)
        }
        return /"msg":"(worker ready|Server listening at[^"]*)"/u.test(logs)
      },
      { timeoutMs: 60_000, what: `${name} to start` },
    )
  }

  return {
    name,
    get process() {
      if (!child) throw new Error(`${name} was never started`)
      return child
    },
    get logs() {
      return logs
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      const running = child
      if (!running || running.exitCode !== null || running.signalCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill(signal)
      await exited
    },
    start,
  }
}
