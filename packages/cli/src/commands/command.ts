import type { ApiClient } from '../api/api-client.ts'
import { UsageError } from '../failures.ts'
import type { Output } from '../output/output.ts'

export type OptionValues = Record<string, string | boolean | undefined>

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
}

export interface CommandContext {
  output: Output
  env: NodeJS.ProcessEnv
  /** A client with the token of `--token` or TELLA_TOKEN; a usage error when there is none. */
  api(): ApiClient
}

/** One `tella <name>` command: its options, its help and what it does. */
export interface Command {
  name: string
  /** `import <file|youtube-url>`: the line of the command list. */
  synopsis: string
  summary: string
  /** Names of the required positional arguments, in order. */
  positionals: string[]
  options: Record<string, OptionSpec>
  /** Whether it talks to jobs-api (and so takes `--token`). */
  usesApi: boolean
  /** The body of `tella <name> --help` after the usage line. */
  help: string
  run(context: CommandContext, values: OptionValues, positionals: string[]): Promise<number>
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}

/** A string option restricted to `allowed`, compared without case. */
export function choiceOption<T extends string>(
  values: OptionValues,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = stringOption(values, name)
  if (value === undefined) return undefined
  const match = allowed.find((choice) => choice.toLowerCase() === value.toLowerCase())
  if (!match) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`)
  return match
}

export function jobPath(jobId: string, suffix = ''): string {
  return `/api/jobs/${encodeURIComponent(jobId)}${suffix}`
}
