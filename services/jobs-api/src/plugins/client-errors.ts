import type { Socket } from 'node:net'
import { CodedError, type ErrorCode } from '@tella/contracts'
import type { ConnectionError, FastifyBaseLogger } from 'fastify'

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: headers over
 * `maxHeaderSize` (16 KiB), headers that never finish arriving, bytes that are not HTTP, a body
 * that ends before its Content-Length. Fastify's default answer is its own
 * `{ error, message, statusCode }`; these codes give the contract's shape instead.
 */
const parserErrorCodes: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  // The client closed its side with part of the body unsent.
  HPE_INVALID_EOF_STATE: 'INVALID_BODY',
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}

/** What a response in progress on the socket exposes; Node keeps it there, untyped. */
interface SocketWithResponse extends Socket {
  _httpMessage?: { headersSent: boolean } | null
}

/**
 * Fastify's `clientErrorHandler` option. It works on the raw socket: it writes a whole HTTP
 * response, then closes the connection, since the parser cannot read another request on it.
 * A response that already started on the socket is left alone, as Node does: writing another
 * one into it would corrupt what the client reads.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError(logger) })
 */
export function answerClientError(log: FastifyBaseLogger) {
  return (error: ConnectionError, socket: Socket): void => {
    // A reset connection has no one to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return

    const code = parserErrorCodes[error.code] ?? 'MALFORMED_REQUEST'
    const coded = new CodedError(code, {
      message:
        code === 'INVALID_BODY'
          ? 'Invalid request body: it ended before its Content-Length'
          : undefined,
    })
    log.info({ code, cause: error.code }, coded.message)

    const started = (socket as SocketWithResponse)._httpMessage?.headersSent === true
    if (socket.writable && !started) socket.write(rawResponse(coded))
    socket.destroy()
  }
}

function rawResponse(error: CodedError): string {
  const body = JSON.stringify({ success: false, error: error.message, code: error.code })
  return [
    `HTTP/1.1 ${error.status} ${reasons[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}
