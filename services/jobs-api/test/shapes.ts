import { type ErrorCode, errorCatalogue } from '@tella/contracts'
import type { Test } from 'tap'
import type { Answer } from './support.ts'

// What the contract tests expect of answers: field lists from the reference, the error check,
// and the malformed ids every `:id` route must refuse.

export const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u

/** The reference's job fields plus the additions README lists (errorCode, stage, courseId). */
export const jobFields = [
  'id',
  'title',
  'status',
  'progress',
  'source',
  'errorMessage',
  'errorCode',
  'stage',
  'userId',
  'noteId',
  'courseId',
  'createdAt',
  'updatedAt',
  'completedAt',
  'note',
].sort()

/** The reference's note information fields as the single-job answer shows them. */
export const noteInfoFields = [
  'id',
  'title',
  'status',
  'duration',
  'fileSize',
  'mimeType',
  'summary',
  'date',
  'createdAt',
  'updatedAt',
  'course',
].sort()

/**
 * Checks an error answer: the catalogue's status for `code`, JSON, and a body of exactly
 * `{ success: false, error, code }` with a non-empty message.
 */
export function expectError(
  t: Test,
  answer: Answer,
  code: ErrorCode,
  message?: string | RegExp,
): void {
  t.equal(answer.status, errorCatalogue[code].status, `status of ${code}`)
  t.match(answer.contentType, /^application\/json/u, 'errors are JSON')
  t.same(Object.keys(answer.body ?? {}).sort(), ['code', 'error', 'success'], 'error keys')
  t.equal(answer.body?.success, false)
  t.equal(answer.body?.code, code)
  t.equal(typeof answer.body?.error, 'string')
  t.ok(String(answer.body?.error).length > 0, 'the error has a message')
  if (typeof message === 'string') t.equal(answer.body?.error, message, 'error message')
  if (message instanceof RegExp) t.match(answer.body?.error, message, 'error message')
}

/** Path segments that are not a job id; each stays one segment (url-encoded as needed). */
export const malformedJobIds = [
  ['abc', 'abc'],
  ['job_', 'job_'],
  ['job_../x', encodeURIComponent('job_../x')],
  ['job_abc/../x', encodeURIComponent('job_abc/../x')],
  ['JOB_abc123', 'JOB_abc123'],
  ['note_abc123', 'note_abc123'],
  ['job_abc 123', encodeURIComponent('job_abc 123')],
  ['job_abc-123', 'job_abc-123'],
  ['job_ with an emoji', encodeURIComponent('job_🧬')],
  ['job_ with a NUL byte', 'job_%00'],
  ['job_ and 65 characters', `job_${'a'.repeat(65)}`],
  ['job_ and 90 characters', `job_${'a'.repeat(90)}`],
  ['double-encoded dots', 'job_%252e%252e'],
  ['a quote and SQL', encodeURIComponent("job_1' or '1'='1")],
] as const

/**
 * Paths Fastify's router refuses before any route runs: an id longer than its
 * `maxParamLength` (100) and percent-escapes that do not decode.
 */
export const unroutableJobIds = [
  ['job_ and 500 characters', `job_${'a'.repeat(500)}`],
  ['a truncated percent-escape', 'job_%E0%A4%A'],
  ['a lone percent sign', 'job_%'],
  ['an escape of an invalid UTF-8 byte', 'job_%FF'],
] as const

/** A note in lists and in the job shape's note, plus the documented addition `jobId`. */
export const noteSummaryFields = [...noteInfoFields, 'jobId'].sort()

/** The reference's course fields plus the documented timestamps. */
export const courseFields = ['id', 'name', 'color', 'emoji', 'createdAt', 'updatedAt'].sort()

/** Path segments that are not a course id; each stays one segment (url-encoded as needed). */
export const malformedCourseIds = [
  ['abc', 'abc'],
  ['course_', 'course_'],
  ['a note id', 'note_abc123'],
  ['COURSE_abc', 'COURSE_abc'],
  ['course_../x', encodeURIComponent('course_../x')],
  ['course_ and 65 characters', `course_${'a'.repeat(65)}`],
  ['course_ with a NUL byte', 'course_%00'],
  ['course_ with a space', encodeURIComponent('course_a b')],
  ['course_ and 500 characters', `course_${'a'.repeat(500)}`],
  ['a truncated percent-escape', 'course_%E0%A4%A'],
] as const

/** The same for notes, routed and unroutable alike. */
export const malformedNoteIds = [
  ['abc', 'abc'],
  ['note_', 'note_'],
  ['a job id', 'job_abc123'],
  ['note_../x', encodeURIComponent('note_../x')],
  ['note_ and 65 characters', `note_${'a'.repeat(65)}`],
  ['note_ with a NUL byte', 'note_%00'],
  ['note_ and 500 characters', `note_${'a'.repeat(500)}`],
  ['a truncated percent-escape', 'note_%E0%A4%A'],
] as const

/** A JSON body as sent by a client: the text and its Content-Type. */
export function json(value: unknown) {
  return { payload: JSON.stringify(value), headers: { 'content-type': 'application/json' } }
}
