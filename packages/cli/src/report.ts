import { describeCode } from './error-messages.ts'
import {
  ApiError,
  exitCodes,
  InterruptedError,
  JobFailedError,
  UnreachableError,
  UsageError,
} from './failures.ts'
import type { Output } from './output/output.ts'

/**
 * Writes a failure to stderr in words a user can act on and answers the exit status that
 * goes with its kind.
 */
export async function reportFailure(
  output: Output,
  error: unknown,
  command?: string,
): Promise<number> {
  if (error instanceof UsageError) {
    output.err(`tella: ${error.message}`)
    output.err(`Run 'tella ${command ? `${command} ` : ''}--help' for usage.`)
    return exitCodes.usage
  }
  if (error instanceof ApiError) {
    for (const line of prefixed(await describeCode(error.code, error.message))) output.err(line)
    return exitCodes.refused
  }
  if (error instanceof UnreachableError) {
    output.err(`tella: ${error.message}`)
    return exitCodes.unreachable
  }
  if (error instanceof JobFailedError) {
    const { job } = error
    const ended = job.errorCode === 'CANCELLED' ? 'was cancelled' : 'failed'
    output.err(`Job ${job.id} ${ended}.`)
    for (const line of prefixed(await describeCode(job.errorCode, job.errorMessage)))
      output.err(line)
    return exitCodes.jobFailed
  }
  if (error instanceof InterruptedError) {
    output.err(`tella: ${error.message}`)
    return exitCodes.interrupted
  }
  output.err(`tella: unexpected failure: ${(error as Error)?.stack ?? String(error)}`)
  return exitCodes.refused
}

function prefixed(lines: string[]): string[] {
  return lines.map((line, index) => (index === 0 ? `tella: ${line}` : line))
}
