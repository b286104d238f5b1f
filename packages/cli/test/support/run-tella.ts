import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const tellaBin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bin/tella.mjs',
)

export interface TellaResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Settings of the machine running the tests must not leak into what a test checks. */
function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env }
  for (const name of ['TELLA_API_URL', 'TELLA_TOKEN', 'JWT_SECRET']) delete base[name]
  return { ...base, ...env }
}

/**
 * Starts `tella` as a user's shell would: its own Node process from the package's bin, with
 * stdout and stderr piped (so not a terminal).
 */
export function spawnTella(
  args: string[],
  env: Record<string, string | undefined> = {},
): { child: ChildProcess; result: Promise<TellaResult>; stdout(): string } {
  const child = spawn(process.execPath, [tellaBin, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const result = new Promise<TellaResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, result, stdout: () => stdout }
}

/** Runs `tella` to its end. */
export function tella(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<TellaResult> {
  return spawnTella(args, env).result
}
