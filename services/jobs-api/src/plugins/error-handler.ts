import { CodedError, type ErrorCode, errorCatalogue, isCodedError } from '@tella/contracts'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isOutageError } from './outage-errors.ts'
import { describeQueryErrors } from './query-errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The reference's 500 message for this route, e.g. "Failed to fetch jobs". */
    failureMessage?: string
    /** Code answered when the `:id` path parameter is malformed. */
    invalidIdCode?: ErrorCode
    /** Code answered when the body's Content-Type has no parser, e.g. NOT_MULTIPART. */
    mediaTypeCode?: ErrorCode
    /**
     * Codes for a body field whose value is refused by length or pattern, by JSON pointer:
     * `{ '/url': 'YOUTUBE_URL_INVALID' }`. A field of the wrong type stays INVALID_BODY.
     */
    bodyFieldCodes?: Record<string, ErrorCode>
  }
}

/** Fastify's own 4xx errors, as catalogue codes. */
const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_BODY',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'NOT_MULTIPART',
  FST_REQ_FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  FST_PARTS_LIMIT: 'INVALID_BODY',
  FST_FILES_LIMIT: 'INVALID_BODY',
  FST_FIELDS_LIMIT: 'INVALID_BODY',
  FST_PROTO_VIOLATION: 'INVALID_BODY',
}

/**
 * Every error leaves as `{ success: false, error, code }`. Client mistakes are logged at info,
 * an unreachable Postgres or NATS at warn (the outage is the news, not each request), our own
 * failures at error with the request, and the body of a 500 never carries internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const coded = toCodedError(error, request)
    if (coded.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn({ err: error, userId: request.userId }, 'dependency unavailable')
    } else if (coded.status >= 500) {
      request.log.error({ err: error, userId: request.userId }, 'request failed')
    } else {
      request.log.info({ code: coded.code, userId: request.userId }, coded.message)
    }
    return sendError(reply, coded)
  })

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new CodedError('ROUTE_NOT_FOUND', {
        message: `Route ${request.method} ${request.url} not found`,
      }),
    ),
  )
}

/**
 * Fastify's `frameworkErrors` option: the router refuses some paths before any route, hook or
 * error handler runs (an id over `maxParamLength`, a broken percent escape such as
 * `/api/jobs/job_%E0%A4%A`) and would answer them in its own shape. This answers them like
 * any other error, with the malformed-id code of the route the path was aimed at.
 */
export function sendFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const path = request.url.split('?')[0] ?? ''
  const code = malformedPathCodes.find(([prefix]) => path.startsWith(prefix))?.[1]
  const coded = new CodedError(code ?? 'ROUTE_NOT_FOUND', {
    message: code ? undefined : `Route ${request.method} ${path} not found`,
  })
  request.log.info({ code: coded.code, cause: error.code }, coded.message)
  return sendError(reply, coded)
}

const malformedPathCodes: Array<[string, ErrorCode]> = [
  ['/api/jobs/', 'INVALID_JOB_ID'],
  ['/api/notes/', 'INVALID_NOTE_ID'],
  ['/api/courses/', 'INVALID_COURSE_ID'],
]

/**
 * `Retry-After` seconds for refusals that time lifts. An active job frees its place when it
 * ends, which takes minutes for a lecture: 30 s lets a client try again a few times in that
 * span without polling in a tight loop.
 */
const retryAfterSeconds: Partial<Record<ErrorCode, number>> = { RATE_LIMITED: 30 }

export function sendError(reply: FastifyReply, error: CodedError) {
  const retryAfter = retryAfterSeconds[error.code]
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ success: false, error: error.message, code: error.code })
}

function toCodedError(error: FastifyError, request: FastifyRequest): CodedError {
  if (isCodedError(error)) return error
  const config = request.routeOptions.config

  if (error.validation) {
    const context = error.validationContext
    if (context === 'querystring') {
      return new CodedError('INVALID_QUERY', {
        message: `Invalid query parameters: ${describeQueryErrors(error.validation)}`,
      })
    }
    if (context === 'params') {
      return new CodedError(config.invalidIdCode ?? 'INVALID_QUERY')
    }
    const fieldCode = bodyFieldCode(error, config.bodyFieldCodes)
    if (fieldCode) return new CodedError(fieldCode)
    return new CodedError('INVALID_BODY', { message: `Invalid request body: ${error.message}` })
  }

  const mapped = error.code ? frameworkCodes[error.code] : undefined
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE' && config.mediaTypeCode) {
    return new CodedError(config.mediaTypeCode)
  }
  if (mapped) return new CodedError(mapped)
  if (isOutageError(error)) return new CodedError('SERVICE_UNAVAILABLE', { cause: error })
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return new CodedError('INVALID_BODY', { message: error.message })
  }
  return new CodedError('INTERNAL_ERROR', {
    message: config.failureMessage ?? errorCatalogue.INTERNAL_ERROR.message,
  })
}

const valueKeywords = new Set(['minLength', 'maxLength', 'pattern', 'format'])

function bodyFieldCode(
  error: FastifyError,
  codes: Record<string, ErrorCode> | undefined,
): ErrorCode | undefined {
  const first = error.validation?.[0]
  if (!codes || !first || !valueKeywords.has(first.keyword)) return undefined
  return codes[first.instancePath]
}
