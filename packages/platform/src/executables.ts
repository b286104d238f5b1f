import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, resolve } from 'node:path'

type Env = Record<string, string | undefined>

const executableSuffix = process.platform === 'win32' ? '.exe' : ''

/**
 * Where a command runs from: a name with a slash is a path (relative to the working
 * directory), a bare name is looked up on `PATH` as a shell would. Undefined when there is
 * no executable file there.
 *
 * @example
 * findExecutable('pocketsphinx_continuous') // '/usr/bin/pocketsphinx_continuous' on Debian
 */
export function findExecutable(command: string, env: Env = process.env): string | undefined {
  if (command.includes('/')) {
    const absolute = resolve(command)
    return isExecutableFile(absolute) ? absolute : undefined
  }
  const directories = (env.PATH ?? '').split(delimiter).filter((entry) => entry !== '')
  for (const directory of directories) {
    const candidate = resolve(directory, `${command}${executableSuffix}`)
    if (isExecutableFile(candidate)) return candidate
  }
  return undefined
}

/** A regular file (after symlinks) that this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}
