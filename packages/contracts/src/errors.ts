import Type from 'typebox'

/**
 * The one catalogue of error codes. HTTP clients and event subscribers branch on `code`;
 * the message is for people. A code, once published, is never renamed or reused.
 *
 * `status` is the HTTP status when the error answers a request. Pipeline failures that end a
 * job carry the same codes in the job's `errorCode`, with the message in `errorMessage`.
 * `retryable` says whether a worker may try the stage again.
 */
export const errorCatalogue = {
  AUTH_REQUIRED: { status: 401, retryable: false, message: 'Authentication required' },
  AUTH_INVALID: { status: 401, retryable: false, message: 'Invalid or expired token' },
  INVALID_QUERY: { status: 400, retryable: false, message: 'Invalid query parameters' },
  INVALID_BODY: { status: 400, retryable: false, message: 'Invalid request body' },
  INVALID_JOB_ID: { status: 400, retryable: false, message: 'Invalid job ID' },
  INVALID_NOTE_ID: { status: 400, retryable: false, message: 'Invalid note ID' },
  INVALID_COURSE_ID: { status: 400, retryable: false, message: 'Invalid course ID' },
  JOB_NOT_FOUND: { status: 404, retryable: false, message: 'Job not found' },
  NOTE_NOT_FOUND: { status: 404, retryable: false, message: 'Note not found' },
  COURSE_NOT_FOUND: { status: 404, retryable: false, message: 'Course not found' },
  ROUTE_NOT_FOUND: { status: 404, retryable: false, message: 'Route not found' },
  // Field codes of the Notes and Courses APIs, so a form can mark the field that is wrong.
  NOTE_TITLE_INVALID: {
    status: 400,
    retryable: false,
    message: 'Note title must have 1 to 200 characters that are not all blank',
  },
  COURSE_NAME_INVALID: {
    status: 400,
    retryable: false,
    message: 'Course name must have 1 to 100 characters that are not all blank',
  },
  COURSE_COLOR_INVALID: {
    status: 400,
    retryable: false,
    message:
      'Course color must be red, orange, yellow, green, teal, blue, indigo, purple, pink, ' +
      'gray or a #rrggbb hex color',
  },
  COURSE_EMOJI_INVALID: {
    status: 400,
    retryable: false,
    message: 'Course emoji must be exactly one emoji',
  },
  JOB_NOT_CANCELLABLE: {
    status: 400,
    retryable: false,
    message: 'Cannot cancel completed or failed job',
  },
  JOB_NOT_RETRYABLE: {
    status: 400,
    retryable: false,
    message: 'Only failed jobs can be retried; cancelled jobs cannot',
  },
  JOB_ACTIVE: {
    status: 400,
    retryable: false,
    message: 'Cannot delete active job; cancel it first',
  },
  FILE_REQUIRED: {
    status: 400,
    retryable: false,
    message: 'A multipart field named "file" is required',
  },
  FILE_TOO_LARGE: {
    status: 413,
    retryable: false,
    message: 'Uploaded file exceeds size limits',
  },
  NOT_MULTIPART: {
    status: 415,
    retryable: false,
    message: 'Uploads must be sent as multipart/form-data',
  },
  UNSUPPORTED_FORMAT: {
    status: 415,
    retryable: false,
    message: 'Audio/video format not supported',
  },
  NO_AUDIO_TRACK: {
    status: 415,
    retryable: false,
    message: 'Audio/video format not supported: the file has no audio track',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    message: 'Unsupported Content-Type for this endpoint',
  },
  BODY_TOO_LARGE: { status: 413, retryable: false, message: 'Request body too large' },
  // Refused by the HTTP parser before any route runs; the connection is closed after them.
  HEADERS_TOO_LARGE: {
    status: 431,
    retryable: false,
    message: 'Request headers too large: together they may have at most 16 KiB',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    retryable: true,
    message: 'Request timeout: the request headers did not arrive in time',
  },
  MALFORMED_REQUEST: {
    status: 400,
    retryable: false,
    message: 'Malformed request: it is not valid HTTP/1.1',
  },
  EMPTY_FILE: { status: 400, retryable: false, message: 'Uploaded file is empty' },
  YOUTUBE_URL_INVALID: {
    status: 400,
    retryable: false,
    message: 'Invalid or private YouTube URL',
  },
  SOURCE_MISSING: {
    status: 500,
    retryable: false,
    message: 'The uploaded file is no longer available',
  },
  DOWNLOAD_ENGINE_UNAVAILABLE: {
    status: 500,
    retryable: false,
    message: 'YouTube downloads are not available: the download engine is not installed',
  },
  // YouTube's refusals, one code for each thing a user can act on differently. None is
  // retried: YouTube gives the same answer to the same video until its owner changes it.
  YOUTUBE_VIDEO_UNAVAILABLE: {
    status: 404,
    retryable: false,
    message: 'YouTube video unavailable: it was removed or does not exist',
  },
  // The reference files private videos under "Invalid or private YouTube URL"; the message
  // keeps those words, the code tells a private video from a link that is wrong.
  YOUTUBE_VIDEO_PRIVATE: {
    status: 403,
    retryable: false,
    message: 'Invalid or private YouTube URL: the video is private',
  },
  YOUTUBE_SIGN_IN_REQUIRED: {
    status: 403,
    retryable: false,
    message: 'YouTube video requires sign-in: it is age-restricted or for members only',
  },
  YOUTUBE_REGION_BLOCKED: {
    status: 451,
    retryable: false,
    message: 'YouTube video is not available in the region of this service',
  },
  YOUTUBE_LIVE_NOT_FINISHED: {
    status: 409,
    retryable: false,
    message: 'YouTube live stream has not ended: import it once the broadcast is over',
  },
  YOUTUBE_VIDEO_TOO_LONG: {
    status: 413,
    retryable: false,
    message: 'YouTube video exceeds the length or size limit for imports',
  },
  // Retried with the stage's backoff: YouTube lifts the limit after a while.
  YOUTUBE_RATE_LIMITED: {
    status: 503,
    retryable: true,
    message: 'YouTube rate limit exceeded: too many downloads from this service, try again later',
  },
  // The message says what to do; the detail names the engine's version and age.
  DOWNLOAD_ENGINE_OUTDATED: {
    status: 502,
    retryable: false,
    message: 'YouTube download failed: the download engine is too old for YouTube today',
  },
  YOUTUBE_URL_NOT_YOUTUBE: {
    status: 400,
    retryable: false,
    message: 'Invalid or private YouTube URL: the link is not to YouTube',
  },
  YOUTUBE_URL_NO_VIDEO: {
    status: 400,
    retryable: false,
    message:
      'Invalid or private YouTube URL: the link names no single video ' +
      '(a playlist, channel or page)',
  },
  YOUTUBE_URL_BAD_VIDEO_ID: {
    status: 400,
    retryable: false,
    message: 'Invalid or private YouTube URL: a video id is 11 letters, digits, - or _',
  },
  TRANSCRIPTION_FAILED: {
    status: 500,
    retryable: false,
    message: 'Transcription failed: audio quality too poor for transcription',
  },
  SUMMARY_FAILED: { status: 500, retryable: false, message: 'Summary generation failed' },
  // The two PROVIDER_ codes are for any OpenAI-compatible speech or chat provider. Both need
  // an operator (a new key, a smaller token budget, another model), so no retry helps.
  PROVIDER_AUTH_FAILED: {
    status: 502,
    retryable: false,
    message: 'Processing failed: the AI provider refused its credentials',
  },
  PROVIDER_REQUEST_REJECTED: {
    status: 502,
    retryable: false,
    message: 'Processing failed: the AI provider rejected the request',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    retryable: false,
    message: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
  },
  RATE_LIMITED: { status: 429, retryable: true, message: 'Too many concurrent jobs' },
  NETWORK_TIMEOUT: {
    status: 504,
    retryable: true,
    message: 'Network timeout: download or processing timed out',
  },
  STAGE_ATTEMPTS_EXHAUSTED: {
    status: 500,
    retryable: false,
    message: 'Processing failed after repeated attempts',
  },
  INVALID_COMMAND: {
    status: 500,
    retryable: false,
    message: 'Internal error: a pipeline message could not be read',
  },
  CANCELLED: { status: 409, retryable: false, message: 'Job cancelled by user' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    message: 'Service temporarily unavailable: its database or message broker is unreachable',
  },
  INTERNAL_ERROR: { status: 500, retryable: true, message: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>

export interface ErrorSpec {
  status: number
  retryable: boolean
  message: string
}

export type ErrorCode = keyof typeof errorCatalogue

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[]

/** JSON schema of a catalogue code, typed as the code union. */
export const ErrorCodeSchema = Type.Unsafe<ErrorCode>({ type: 'string', enum: errorCodes })

/**
 * An error that carries a catalogue code. Thrown by shared code and services alike; the HTTP
 * error handler and the worker runner both turn it into the right answer or event.
 *
 * @example
 * throw new CodedError('NO_AUDIO_TRACK', { detail: 'video stream only' })
 */
export class CodedError extends Error {
  override readonly name = 'CodedError'
  readonly code: ErrorCode
  readonly status: number
  readonly retryable: boolean
  readonly detail: string | undefined

  constructor(
    code: ErrorCode,
    options: { detail?: string; cause?: unknown; message?: string } = {},
  ) {
    const spec = errorCatalogue[code]
    super(options.message ?? spec.message, { cause: options.cause })
    this.code = code
    this.status = spec.status
    this.retryable = spec.retryable
    this.detail = options.detail
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError
}
