import { type CodedError, type ErrorCode, isCodedError } from '@tella/contracts'

/**
 * A permanent error keeps its own code; a transient one that ran out of attempts keeps a
 * specific code when it has one (NETWORK_TIMEOUT) and otherwise says attempts ran out.
 *
 * @example
 * finalFailureCode(new CodedError('NETWORK_TIMEOUT')) // 'NETWORK_TIMEOUT'
 * finalFailureCode(null) // 'STAGE_ATTEMPTS_EXHAUSTED'
 */
export function finalFailureCode(coded: CodedError | null): ErrorCode {
  if (!coded || coded.code === 'INTERNAL_ERROR') return 'STAGE_ATTEMPTS_EXHAUSTED'
  return coded.code
}

/** Wait before retry `attempt + 1`: 2 s, doubling, at most a minute. */
export function defaultRetryDelay(attempt: number): number {
  return Math.min(60_000, 2_000 * 2 ** (attempt - 1))
}

/** The catalogue message with the error's detail, when it has one, in parentheses. */
export function withDetail(message: string, error: unknown): string {
  const detail = isCodedError(error) ? error.detail : undefined
  return detail ? `${message} (${detail})` : message
}
