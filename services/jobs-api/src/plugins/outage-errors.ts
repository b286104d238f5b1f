import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node'

/**
 * SQLSTATEs of a server that is going away or not accepting sessions yet: 57P01
 * (admin_shutdown: a fast stop or restart ended the session), 57P03 (cannot_connect_now:
 * starting up, shutting down or in recovery).
 */
const unavailableSqlStates = new Set(['57P01', '57P03'])

/**
 * What node-postgres says when the socket is gone: "Connection terminated unexpectedly" (the
 * server closed it), "Connection terminated due to connection timeout", and the pool's
 * "timeout exceeded when trying to connect". A transaction cut by one of these fails its
 * ROLLBACK with "Client has encountered a connection error and is not queryable", and Kysely
 * rethrows that instead of the first error, so it is the same outage.
 */
const lostConnectionMessages = [
  /^Connection terminated\b/u,
  /^timeout exceeded when trying to connect$/u,
  /^Client (has encountered a connection error|was closed) and is not queryable$/u,
]

/**
 * Whether an error means Postgres or NATS cannot be reached right now, so the request may
 * succeed if retried later (503 SERVICE_UNAVAILABLE), as opposed to a failure of ours (500).
 * Only connection-level failures count: a missing table, a constraint or a NATS API error
 * stays a 500.
 *
 * @example
 * if (isOutageError(error)) throw new CodedError('SERVICE_UNAVAILABLE', { cause: error })
 */
export function isOutageError(error: unknown): boolean {
  return isPostgresUnreachable(error) || isNatsUnreachable(error)
}

function isPostgresUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (code === 'ECONNREFUSED') return true
  if (typeof code === 'string' && unavailableSqlStates.has(code)) return true
  return lostConnectionMessages.some((pattern) => pattern.test(error.message))
}

/**
 * A request or JetStream publish that timed out, or a connection that is closed, draining or
 * broken. The client buffers while it reconnects, so an outage shows as a timeout.
 */
function isNatsUnreachable(error: unknown): boolean {
  if (
    error instanceof TimeoutError ||
    error instanceof ConnectionError ||
    error instanceof ClosedConnectionError ||
    error instanceof DrainingConnectionError
  ) {
    return true
  }
  return error instanceof RequestError && isNatsUnreachable(error.cause)
}
