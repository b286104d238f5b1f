import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, waitFor } from './wait.ts'

export interface NatsServer {
  url: string
  port: number
  process: ChildProcess
  /** Kills the server (SIGKILL when `hard`) without removing its store, for restart tests. */
  kill(hard?: boolean): Promise<void>
  restart(): Promise<void>
  stop(): Promise<void>
}

const natsBinary = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'

/**
 * A private JetStream server on a free loopback port with its own store, so tests never
 * share streams with each other or with a developer's running stack.
 */
export async function startNatsServer(): Promise<NatsServer> {
  const storeDir = await mkdtemp(path.join(tmpdir(), 'tella-nats-'))
  const port = await freePort()
  let child = await launch(port, storeDir)

  const kill = async (hard = false) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(hard ? 'SIGKILL' : 'SIGTERM')
    await exited
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get process() {
      return child
    },
    kill,
    async restart() {
      await kill()
      child = await launch(port, storeDir)
    },
    async stop() {
      await kill()
      await rm(storeDir, { recursive: true, force: true })
    },
  }
}

async function launch(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(natsBinary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000)
  })
  await waitFor(() => log.includes('Server is ready'), {
    timeoutMs: 10_000,
    what: `nats-server on port ${port}`,
  })
  return child
}
