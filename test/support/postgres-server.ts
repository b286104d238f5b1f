import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { appendFile, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import type { TestDatabase } from './database.ts'
import { freezeProcess } from './processes.ts'
import { freePort } from './wait.ts'

const run = promisify(execFile)

export interface PostgresServer {
  /** The `postgres` database as the `postgres` superuser; trust auth, no password. */
  url: string
  port: number
  /** The postmaster's pid while the server runs. */
  readonly pid: number | undefined
  readonly running: boolean
  /** A fresh database on this server; it goes with the server's directory at `destroy`. */
  createDatabase(): Promise<TestDatabase>
  /**
   * Stops the server, keeping its data: `fast` ends client sessions (57P01), as in a restart;
   * `smart` waits for them to end and refuses new ones meanwhile (57P03).
   */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>
  /** Starts a stopped server again on the same port with the same data. */
  start(): Promise<void>
  /**
   * Freezes the postmaster (SIGSTOP): a new connection is accepted by the kernel but never
   * answered, as with a hung host, until `resume`. Sessions already open keep working.
   */
  pause(): Promise<void>
  resume(): void
  /** Stops (if running) and removes the server's directory. Never throws, safe to repeat. */
  destroy(): Promise<void>
}

/**
 * A private PostgreSQL server for one test, which may stop and restart it at will: the suite's
 * shared server on 5432 must never be restarted. It listens on a free loopback port only,
 * with its unix socket in its own temporary directory, trust auth and no fsync (throwaway
 * data). Run as root, the server runs as the `postgres` user, since PostgreSQL refuses root.
 *
 * @example
 * const postgres = await startPostgresServer()
 * t.teardown(() => postgres.destroy())
 * const database = await postgres.createDatabase()
 * await postgres.stop()
 * await postgres.start()
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const binDir = await serverBinDir()
  const dir = await mkdtemp(path.join(tmpdir(), 'tella-pg-'))
  const dataDir = path.join(dir, 'data')
  const logFile = path.join(dir, 'server.log')
  const port = await freePort()
  let pid: number | undefined
  let paused = false

  // A test process that dies without its teardown must not leave a server behind.
  const onExit = () => {
    if (pid && paused) signal(pid, 'SIGCONT')
    if (pid) signal(pid, 'SIGQUIT')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', onExit)

  const pgCtl = (...args: string[]) => runAsServerUser(binDir, 'pg_ctl', ['-D', dataDir, ...args])
  const start = async () => {
    await pgCtl('-l', logFile, '-w', '-t', '60', 'start').catch(async (error) => {
      throw new Error(`PostgreSQL did not start:\n${await tail(logFile)}`, { cause: error })
    })
    pid = await postmasterPid(dataDir)
  }
  const stop = async (mode: 'smart' | 'fast' | 'immediate' = 'fast') => {
    if (!pid) return
    resume()
    await pgCtl('-m', mode, '-w', '-t', '60', 'stop')
    pid = undefined
  }
  const resume = () => {
    if (pid && paused) signal(pid, 'SIGCONT')
    paused = false
  }

  try {
    if (isRoot()) await chown(dir, ...(await serverUserIds()))
    await runAsServerUser(binDir, 'initdb', [
      ...['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'],
      '--no-sync',
    ])
    await appendFile(path.join(dataDir, 'postgresql.conf'), serverSettings(port, dir))
    await start()
  } catch (error) {
    onExit()
    process.removeListener('exit', onExit)
    throw error
  }

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`
  return {
    url: url('postgres'),
    port,
    get pid() {
      return pid
    },
    get running() {
      return pid !== undefined
    },
    async createDatabase() {
      const name = `tella_test_${randomBytes(6).toString('hex')}`
      const client = new pg.Client({ connectionString: url('postgres') })
      await client.connect()
      try {
        await client.query(`create database ${name}`)
      } finally {
        await client.end()
      }
      return { url: url(name), name, drop: async () => undefined }
    },
    stop,
    start,
    async pause() {
      if (!pid) throw new Error('PostgreSQL is not running')
      await freezeProcess(pid)
      paused = true
    },
    resume,
    async destroy() {
      process.removeListener('exit', onExit)
      await stop('immediate').catch(() => {
        // pg_ctl could not stop it: end the postmaster by its pid, its children follow it.
        if (pid) signal(pid, 'SIGKILL')
        pid = undefined
      })
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Throwaway-data settings: no durability work, small memory, loopback and a private socket. */
function serverSettings(port: number, socketDir: string): string {
  return [
    '',
    '# tella test server',
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${socketDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'shared_buffers = 16MB',
    'max_connections = 50',
    '',
  ].join('\n')
}

/**
 * The directory holding initdb, pg_ctl and postgres: `POSTGRES_BIN_DIR`, else what pg_config
 * names (on Debian it may be a client-only package's), else the newest Debian server package.
 */
async function serverBinDir(): Promise<string> {
  const candidates = [process.env.POSTGRES_BIN_DIR]
  candidates.push(await run('pg_config', ['--bindir']).then((out) => out.stdout.trim(), noValue))
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[])
  versions.sort((a, b) => Number(b) - Number(a))
  candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`))
  const found = candidates.find(
    (dir) =>
      dir && ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(path.join(dir, bin))),
  )
  if (!found) throw new Error('No PostgreSQL server binaries found; set POSTGRES_BIN_DIR')
  return found
}

function noValue(): undefined {
  return undefined
}

function isRoot(): boolean {
  return process.getuid?.() === 0
}

/** initdb, pg_ctl and postgres refuse to run as root; as root they run as `postgres`. */
async function runAsServerUser(binDir: string, bin: string, args: string[]): Promise<void> {
  const file = path.join(binDir, bin)
  const [command, commandArgs] = isRoot()
    ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
    : [file, args]
  // The server's own working directory must be one its user can enter.
  await run(command, commandArgs, { cwd: tmpdir(), timeout: 90_000 })
}

async function serverUserIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ])
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())]
}

/** The first line of `postmaster.pid` is the postmaster's pid. */
async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')
  return Number(text.split('\n')[0])
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}

async function tail(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).slice(-4_000)
}
