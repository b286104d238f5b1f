import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { deployDir } from './paths.ts'

export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  stop_grace_period?: string
  read_only?: boolean
  tmpfs?: string[]
}

export const composeFile = path.join(deployDir, 'compose.yaml')

/**
 * The compose file's services, with YAML merge keys (`<<: *worker-env`) applied as compose
 * applies them.
 *
 * @example
 * readCompose()['jobs-api']?.environment?.PORT // '3000'
 */
export function readCompose(): Record<string, ComposeService> {
  const document = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>
  }
  return document.services
}

/**
 * A service's environment with compose's interpolation done as it would be with nothing
 * exported in the shell: `${NAME:-default}` gives the default; a bare `${NAME}` is refused,
 * since it would start the service with an empty value.
 */
export function composeEnvironment(service: ComposeService): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [name, raw] of Object.entries(service.environment ?? {})) {
    values[name] = String(raw).replace(
      /\$\{(\w+)(:-([^}]*))?\}/g,
      (_, variable: string, __, fallback) => {
        if (fallback === undefined) throw new Error(`${name}: \${${variable}} has no default`)
        return fallback as string
      },
    )
  }
  return values
}

/** `30s`, `1m30s` as seconds: compose's duration format. */
export function durationSeconds(text: string): number {
  let seconds = 0
  for (const [, amount, unit] of text.matchAll(/(\d+)(h|m|s)/g)) {
    seconds += Number(amount) * ({ h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'] ?? 0)
  }
  return seconds
}
