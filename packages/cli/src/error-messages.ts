import type { ErrorCode } from '@tella/contracts'

/**
 * What each catalogue code means to someone at a terminal, and what to do about it. The
 * server's message stays the authority on detail; these sentences add the next step.
 * A test keeps every catalogue code here.
 */
export const errorSentences: Partial<Record<ErrorCode, string>> = {
  AUTH_REQUIRED: 'No token was sent: set TELLA_TOKEN or pass --token.',
  AUTH_INVALID:
    'The token was refused: it is malformed, expired or signed with another secret. ' +
    'Get a new one (development: tella token --user <id>).',
  INVALID_QUERY: 'A list option was refused: see tella jobs --help for the allowed values.',
  INVALID_BODY: 'The request was refused as malformed.',
  INVALID_JOB_ID: 'That is not a job id: job ids look like job_… (see tella jobs).',
  INVALID_NOTE_ID: 'That is not a note id: note ids look like note_… (see tella show <job-id>).',
  INVALID_COURSE_ID: 'That is not a course id.',
  JOB_NOT_FOUND: 'No such job for this user: it was deleted, or belongs to someone else.',
  NOTE_NOT_FOUND: 'No such note for this user.',
  COURSE_NOT_FOUND: 'No such course for this user: check the --course id.',
  ROUTE_NOT_FOUND: 'jobs-api does not know this request: it may be an older version.',
  NOTE_TITLE_INVALID: 'The title was refused: use 1 to 200 characters, not all blank (--title).',
  COURSE_NAME_INVALID: 'The course name was refused.',
  COURSE_COLOR_INVALID: 'The course color was refused.',
  COURSE_EMOJI_INVALID: 'The course emoji was refused.',
  JOB_NOT_CANCELLABLE:
    'The job has already finished (completed or failed), so it cannot be cancelled.',
  JOB_NOT_RETRYABLE: 'Only failed jobs can be retried, and a cancelled job cannot be.',
  JOB_ACTIVE: 'The job is still running: cancel it first (tella cancel <job-id>), then delete it.',
  FILE_REQUIRED: 'The upload carried no file.',
  FILE_TOO_LARGE: 'The file is larger than this server accepts (UPLOAD_MAX_BYTES).',
  NOT_MULTIPART: 'The upload was not sent as multipart/form-data.',
  UNSUPPORTED_MEDIA_TYPE: 'The request was sent in a Content-Type the server does not read.',
  BODY_TOO_LARGE: 'The request body is too large.',
  HEADERS_TOO_LARGE: 'The request headers are too large: is the token (TELLA_TOKEN) a token?',
  REQUEST_TIMEOUT: 'The request was too slow to arrive: check the network, then retry.',
  MALFORMED_REQUEST: 'The server could not read the request as HTTP: a proxy may be in the way.',
  EMPTY_FILE: 'The file is empty: there is nothing to import.',
  YOUTUBE_URL_INVALID: 'That is not a link to one YouTube video.',
  YOUTUBE_URL_NOT_YOUTUBE: 'That link is not to YouTube: paste a youtube.com or youtu.be link.',
  YOUTUBE_URL_NO_VIDEO: 'That YouTube link names no single video (a channel or playlist?).',
  YOUTUBE_URL_BAD_VIDEO_ID: 'That YouTube link has a broken video id: copy the link again.',
  YOUTUBE_VIDEO_UNAVAILABLE: 'The YouTube video was removed or does not exist.',
  YOUTUBE_VIDEO_PRIVATE:
    'The YouTube video is private: ask its owner to make it public or unlisted, then retry.',
  YOUTUBE_SIGN_IN_REQUIRED: 'The YouTube video needs a sign-in (age-restricted or members only).',
  YOUTUBE_REGION_BLOCKED: 'The YouTube video is blocked in the region of this service.',
  YOUTUBE_LIVE_NOT_FINISHED: 'The YouTube live stream has not ended: import it afterwards.',
  YOUTUBE_VIDEO_TOO_LONG: 'The YouTube video is longer or larger than imports allow.',
  YOUTUBE_RATE_LIMITED: 'YouTube is limiting downloads from this service: retry later.',
  DOWNLOAD_ENGINE_OUTDATED:
    'The YouTube download engine of the service is too old: tell an operator.',
  DOWNLOAD_ENGINE_UNAVAILABLE: 'YouTube imports are not available on this server (no yt-dlp).',
  IDEMPOTENCY_KEY_INVALID: 'The Idempotency-Key header was refused.',
  RATE_LIMITED: 'You already have the most active jobs allowed: wait for one, or cancel one.',
  SERVICE_UNAVAILABLE: 'jobs-api cannot reach its database or broker right now; retry shortly.',
  INTERNAL_ERROR: 'jobs-api failed on its side; try again, and tell an operator if it persists.',
  UNSUPPORTED_FORMAT: 'The recording could not be decoded: the file is not audio or video.',
  NO_AUDIO_TRACK: 'The recording has no sound track.',
  SOURCE_MISSING: 'The uploaded file was lost before processing: upload it again.',
  NETWORK_TIMEOUT: 'A download or processing step timed out: retry the job (tella retry).',
  TRANSCRIPTION_FAILED: 'No transcript could be made from the recording.',
  SUMMARY_FAILED: 'No summary could be made: retry the job (tella retry).',
  PROVIDER_AUTH_FAILED: 'The AI provider refused the service’s credentials: tell an operator.',
  PROVIDER_REQUEST_REJECTED: 'The AI provider rejected the request: tell an operator.',
  STAGE_ATTEMPTS_EXHAUSTED: 'Processing failed on every attempt: retry the job (tella retry).',
  INVALID_COMMAND: 'An internal pipeline message could not be read: tell an operator.',
  CANCELLED: 'The job was cancelled.',
}

/**
 * One line for a coded failure: our sentence and the code, then the server's own message
 * when it says more than the catalogue's default (a detail, a route's reason). Codes this
 * client does not know yet print the server's message as it is.
 *
 * @example
 * await describeCode('JOB_ACTIVE', 'Cannot delete active job; cancel it first')
 * // ['The job is still running: … [JOB_ACTIVE]']
 */
export async function describeCode(
  code: string | null,
  serverMessage: string | null,
): Promise<string[]> {
  const sentence = code ? errorSentences[code as ErrorCode] : undefined
  const tag = code ? ` [${code}]` : ''
  if (!sentence) return [`${serverMessage ?? 'unknown error'}${tag}`]

  const lines = [`${sentence}${tag}`]
  // Loaded only on this failure path: the schemas of the contracts cost most of a start.
  const { errorCatalogue } = await import('@tella/contracts')
  const standard = errorCatalogue[code as ErrorCode]?.message
  if (serverMessage && serverMessage !== standard) lines.push(`  detail: ${serverMessage}`)
  return lines
}
