import { parseArgs } from 'node:util'
import { ApiClient } from './api/api-client.ts'
import type { Command, CommandContext, OptionSpec, OptionValues } from './commands/command.ts'
import { importCommand } from './commands/import.ts'
import { cancelCommand, deleteCommand, retryCommand, showCommand } from './commands/job-actions.ts'
import { jobsCommand } from './commands/jobs.ts'
import { noteCommand } from './commands/note.ts'
import { tokenCommand } from './commands/token.ts'
import { exitCodes, UsageError } from './failures.ts'
import type { Output } from './output/output.ts'
import { reportFailure } from './report.ts'
import { defaultApiUrl, readSettings, requireToken } from './settings.ts'

export const commands: Command[] = [
  importCommand,
  jobsCommand,
  showCommand,
  cancelCommand,
  deleteCommand,
  retryCommand,
  noteCommand,
  tokenCommand,
]

/**
 * Runs one `tella` command line and answers its exit status; failures are reported on
 * `output` here, so callers only exit.
 *
 * @example
 * process.exitCode = await runCli(['jobs', '--status', 'failed'], { output, env })
 */
export async function runCli(
  argv: string[],
  io: { output: Output; env: NodeJS.ProcessEnv },
): Promise<number> {
  const { output, env } = io
  const [name, ...rest] = argv
  if (name === undefined) {
    for (const line of mainHelp()) output.err(line)
    return exitCodes.usage
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = rest[0] ? findCommand(rest[0]) : undefined
    for (const line of command ? commandHelp(command) : mainHelp()) output.out(line)
    return exitCodes.ok
  }

  const command = findCommand(name)
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`)
    const { values, positionals } = parseCommandLine(command, rest)
    if (values.help) {
      for (const line of commandHelp(command)) output.out(line)
      return exitCodes.ok
    }
    const token = typeof values.token === 'string' ? values.token : undefined
    const context: CommandContext = {
      output,
      env,
      api: () => {
        const settings = readSettings(env, token)
        return new ApiClient(settings.apiUrl, requireToken(settings))
      },
    }
    return await command.run(context, values, positionals)
  } catch (error) {
    return await reportFailure(output, error, command?.name)
  }
}

function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name)
}

function parseCommandLine(command: Command, args: string[]) {
  const options: Record<string, OptionSpec> = {
    ...command.options,
    help: { type: 'boolean', short: 'h' },
    ...(command.usesApi ? { token: { type: 'string' } } : {}),
  }
  let parsed: { values: OptionValues; positionals: string[] }
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed
  } catch (error) {
    // Node's message for an unknown flag goes on about `--`; the flag is what matters.
    const message = (error as Error).message
    const unknown = /^Unknown option '([^']+)'/u.exec(message)?.[1]
    throw new UsageError(unknown ? `unknown option ${unknown}` : message)
  }
  if (parsed.values.help) return parsed

  const { positionals } = parsed
  const missing = command.positionals[positionals.length]
  if (missing) throw new UsageError(`missing <${missing}>`)
  const extra = positionals[command.positionals.length]
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
  return parsed
}

function commandHelp(command: Command): string[] {
  const flags = Object.keys(command.options).length > 0 || command.usesApi ? ' [options]' : ''
  return [`Usage: tella ${command.synopsis}${flags}`, '', command.summary, '', command.help]
}

function mainHelp(): string[] {
  const width = Math.max(...commands.map((command) => command.synopsis.length)) + 2
  return [
    'tella: the command-line client of Tella Imports',
    '',
    'Usage: tella <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.synopsis.padEnd(width)}${command.summary}`),
    '',
    'Settings:',
    `  TELLA_API_URL  jobs-api base URL (default ${defaultApiUrl})`,
    '  TELLA_TOKEN    bearer token (or --token <jwt>)',
    '',
    'Exit status: 0 done, 1 refused by the API (or another failure), 2 usage error,',
    '3 jobs-api unreachable, 4 the awaited job failed, 130 interrupted.',
    "Run 'tella <command> --help' for a command's options.",
  ]
}
