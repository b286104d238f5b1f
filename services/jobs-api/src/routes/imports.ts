import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CodedError,
  ErrorBody,
  envelope,
  isCodedError,
  Job,
  objectKeys,
  YoutubeImportBody,
} from '@tella/contracts'
import type { FastifyRequest } from 'fastify'
import { cleanTitle, safeFileName, titleFromFileName } from '../imports/note-title.ts'
import { parseYoutubeUrl } from '../imports/youtube-url.ts'
import { newId } from '../jobs/ids.ts'
import type { JobWrites } from '../pipeline/job-writes.ts'
import type { MediaStore } from '../pipeline/media-store.ts'
import { isOutageError } from '../plugins/outage-errors.ts'
import { strictBodyValidator } from '../plugins/strict-body.ts'

export interface ImportRoutesOptions {
  writes: JobWrites
  media: MediaStore
  uploadMaxBytes: number
  /** True while the NATS connection is up; uploads stream into NATS and need it. */
  natsReady: () => boolean
}

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
}

interface UploadParts {
  fileName: string | null
  size: number
  /** The title field, trimmed and single-spaced; null when absent or blank. */
  title: string | null
  courseId: string | undefined
}

/**
 * Starts import jobs from an uploaded recording or a YouTube link; both answer 202 with the
 * new job, or 200 with the earlier job when the request repeats one: the same
 * `Idempotency-Key`, or a video the user is already importing.
 */
export const importRoutes: FastifyPluginAsyncTypebox<ImportRoutesOptions> = async (
  app,
  options,
) => {
  const { writes, media } = options

  app.post(
    '/api/imports/upload',
    {
      config: { failureMessage: 'Failed to import file', mediaTypeCode: 'NOT_MULTIPART' },
      schema: { response: { 200: envelope(Job), 202: envelope(Job), ...errors } },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new CodedError('NOT_MULTIPART')
      if (declaredLength(request) > options.uploadMaxBytes + multipartAllowanceBytes) {
        // Refused before a byte is read, and the connection closed rather than drained:
        // reading gigabytes only to refuse them costs the client the whole upload's time.
        reply.header('connection', 'close')
        throw new CodedError('FILE_TOO_LARGE')
      }
      const key = idempotencyKey(request)
      const earlier = key ? await writes.findByIdempotencyKey(request.userId, key) : null
      if (earlier) {
        // A retried request: answer with the job it created; the repeated bytes are dropped.
        await drain(request)
        return reply.code(200).send({ success: true as const, data: earlier })
      }
      // Refused before a byte of the body is read: a disconnected client only buffers until the
      // object store's request times out, and the answer came after 10 s, as a 500.
      if (!options.natsReady()) throw new CodedError('SERVICE_UNAVAILABLE')
      await writes.assertBelowActiveLimit(request.userId)

      const jobId = newId('job')
      const uploadKey = objectKeys.upload(jobId)
      let result: { job: Job; created: boolean }
      try {
        const parts = await streamParts(request, media, uploadKey, options.uploadMaxBytes)
        const courseId = parts.courseId?.trim() || null
        if (courseId) await writes.assertCourseOwned(request.userId, courseId)
        result = await writes.createImport({
          jobId,
          userId: request.userId,
          source: 'UPLOAD',
          noteTitle: parts.title ?? titleFromFileName(parts.fileName),
          ...(!parts.title && parts.fileName ? { jobTitle: parts.fileName } : {}),
          titleFromUser: parts.title !== null,
          courseId,
          fileName: parts.fileName,
          sourceUrl: null,
          idempotencyKey: key,
        })
        if (!result.created) await media.remove(uploadKey)
        request.log.info(
          { jobId, userId: request.userId, bytes: parts.size, source: 'UPLOAD' },
          'upload import created',
        )
      } catch (error) {
        discardRest(request)
        // With NATS unreachable the removal could only wait for its own timeout (5 s) before the
        // answer, so it is left running instead.
        // Limitation: if NATS is still away when that removal times out, the bytes stored so far
        // stay in the bucket until its TTL (7 days) removes them; no job refers to them.
        const removal = media.remove(uploadKey).catch(() => undefined)
        if (options.natsReady() && !isOutageError(error)) await removal
        throw error
      }
      const { job, created } = result
      return reply.code(created ? 202 : 200).send({ success: true as const, data: job })
    },
  )

  app.post(
    '/api/imports/youtube',
    {
      config: {
        failureMessage: 'Failed to import video',
        // An empty or overlong link is a bad YouTube URL, not a malformed request; a title
        // over 200 characters is refused as a rename's is.
        bodyFieldCodes: { '/url': 'YOUTUBE_URL_INVALID', '/title': 'NOTE_TITLE_INVALID' },
      },
      validatorCompiler: strictBodyValidator,
      schema: {
        body: YoutubeImportBody,
        response: { 200: envelope(Job), 202: envelope(Job), ...errors },
      },
    },
    async (request, reply) => {
      const parsed = parseYoutubeUrl(request.body.url)
      if (!parsed.ok) throw new CodedError(parsed.code)
      const courseId = request.body.courseId ?? null
      if (courseId) await writes.assertCourseOwned(request.userId, courseId)

      const jobId = newId('job')
      const { job, created } = await writes.createImport({
        jobId,
        userId: request.userId,
        source: 'YOUTUBE',
        noteTitle: cleanTitle(request.body.title) ?? `YouTube video ${parsed.videoId}`,
        titleFromUser: cleanTitle(request.body.title) !== null,
        courseId,
        fileName: null,
        sourceUrl: parsed.canonicalUrl,
        idempotencyKey: idempotencyKey(request),
      })
      request.log.info(
        { jobId: job.id, userId: request.userId, videoId: parsed.videoId, created },
        created ? 'youtube import created' : 'youtube import repeated: earlier job returned',
      )
      return reply.code(created ? 202 : 200).send({ success: true as const, data: job })
    },
  )
}

/** Room for the form's text fields, part headers and boundaries around the file itself. */
const multipartAllowanceBytes = 1024 * 1024

/** The body's length as the client declares it; a chunked body declares none. */
function declaredLength(request: FastifyRequest): number {
  const declared = Number(request.headers['content-length'])
  return Number.isSafeInteger(declared) ? declared : 0
}

/**
 * Walks the multipart body in arrival order. The file goes straight into the object store
 * chunk by chunk; text fields may come before or after it.
 */
async function streamParts(
  request: FastifyRequest,
  media: MediaStore,
  uploadKey: string,
  uploadMaxBytes: number,
): Promise<UploadParts> {
  const result: UploadParts = { fileName: null, size: 0, title: null, courseId: undefined }
  let stored = false
  try {
    const parts = request.parts({
      limits: { fileSize: uploadMaxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
    })
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || stored) {
          part.file.resume()
          continue
        }
        result.fileName = safeFileName(part.filename)
        result.size = await storeUpload(media, uploadKey, part.file)
        if (part.file.truncated) throw new CodedError('FILE_TOO_LARGE')
        stored = true
      } else if (part.fieldname === 'title' && typeof part.value === 'string') {
        // Checked as it arrives: a title sent before the file refuses the upload before a
        // byte of it is stored.
        result.title = cleanTitle(part.value)
      } else if (part.fieldname === 'courseId' && typeof part.value === 'string') {
        result.courseId = part.value
      }
    }
  } catch (error) {
    throw asBodyError(error)
  }
  if (!stored) throw new CodedError('FILE_REQUIRED')
  if (result.size === 0) throw new CodedError('EMPTY_FILE')
  return result
}

/** A failure of the object store while an upload was written into it: ours, not the client's. */
class StoreFailure extends Error {
  override readonly name = 'StoreFailure'
}

/**
 * Copies the uploaded file into the object store. When the upload itself breaks (too large,
 * cut short) that error wins over the store's, which only reports the aborted write.
 */
async function storeUpload(media: MediaStore, key: string, file: Readable): Promise<number> {
  let uploadFailure: unknown
  file.once('error', (error) => {
    uploadFailure = error
  })
  try {
    return await media.put(key, Readable.toWeb(file) as ReadableStream)
  } catch (error) {
    throw uploadFailure ?? new StoreFailure('upload could not be stored', { cause: error })
  }
}

/**
 * Errors of the multipart body itself (no boundary, a body cut short) are the client's and
 * answer 400; coded errors and the multipart plugin's own FST_ errors keep their meaning, and
 * a store failure stays a 500.
 */
function asBodyError(error: unknown): unknown {
  if (error instanceof StoreFailure) return error.cause
  if (isCodedError(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('FST_')) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new CodedError('INVALID_BODY', {
    message: `Invalid request body: ${detail}`,
    cause: error,
  })
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/u

/** The `Idempotency-Key` header: 1–200 visible ASCII characters, or none. */
function idempotencyKey(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key']
  if (header === undefined) return null
  if (typeof header !== 'string' || !idempotencyKeyPattern.test(header.trim())) {
    throw new CodedError('IDEMPOTENCY_KEY_INVALID')
  }
  return header.trim()
}

/**
 * Drops whatever the multipart parser left unread of a failed upload's body. The parser stops
 * at the failure with the request piped into it and paused, so a client that had sent the
 * whole body and reused the connection for its next request waited ~70 s for a reset.
 */
function discardRest(request: FastifyRequest): void {
  request.raw.unpipe()
  request.raw.resume()
}

/** Reads and discards a request body, so the client can finish sending it. */
async function drain(request: FastifyRequest): Promise<void> {
  for await (const _chunk of request.raw) {
    // discarded
  }
}
