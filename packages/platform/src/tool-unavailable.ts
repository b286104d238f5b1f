/**
 * A tool the stage runs (a speech engine, ffmpeg) could not be started: its binary or its
 * model files are missing or not executable. Nothing is wrong with the job, so the stage
 * worker hands the command back without counting an attempt and takes no more work until
 * its prerequisite checks pass again.
 */
export class ToolUnavailableError extends Error {
  override readonly name = 'ToolUnavailableError'

  constructor(
    readonly tool: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options)
  }
}

/** Spawn errors that mean the binary is not there or cannot be run, which no retry fixes. */
const notStartable = new Set(['ENOENT', 'EACCES', 'ENOEXEC'])

/**
 * The error for a child process that failed to spawn: ToolUnavailableError when the binary
 * is missing or not executable, else `otherwise()`.
 *
 * @example
 * child.once('error', (error) => reject(spawnError('ffmpeg', command, error, () => error)))
 */
export function spawnError(
  tool: string,
  command: string,
  error: NodeJS.ErrnoException,
  otherwise: () => Error,
): Error {
  if (!error.code || !notStartable.has(error.code)) return otherwise()
  return new ToolUnavailableError(tool, `${command} could not be started (${error.code})`, {
    cause: error,
  })
}
