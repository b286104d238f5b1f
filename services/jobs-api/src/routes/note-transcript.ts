import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CodedError,
  ErrorBody,
  envelope,
  type TranscriptExport,
  TranscriptExport as TranscriptExportSchema,
  type TranscriptFormat,
  TranscriptQuery,
} from '@tella/contracts'
import Type from 'typebox'
import { attachmentDisposition, safeDownloadName } from '../notes/download-name.ts'
import type { NoteQueries } from '../notes/note-queries.ts'
import { toPlainText, toSrt, toVtt } from '../notes/transcript-formats.ts'
import { NoteIdParams } from './id-params.ts'

/** Media types of the formats; every text format is UTF-8. */
const mediaTypes: Record<TranscriptFormat, string> = {
  json: 'application/json',
  txt: 'text/plain',
  srt: 'application/x-subrip',
  vtt: 'text/vtt',
}

const TextFile = Type.String()

/**
 * `GET /api/notes/:id/transcript?format=json|txt|srt|vtt` (json by default): the transcript
 * as a download named after the note. JSON keeps the API's `{ success, data }` envelope so
 * clients read it like any other answer; the other formats are the bare file.
 */
export const noteTranscriptRoutes: FastifyPluginAsyncTypebox<{ notes: NoteQueries }> = async (
  app,
  options,
) => {
  app.get(
    '/api/notes/:id/transcript',
    {
      config: { failureMessage: 'Failed to export transcript', invalidIdCode: 'INVALID_NOTE_ID' },
      schema: {
        params: NoteIdParams,
        querystring: TranscriptQuery,
        response: {
          200: {
            content: {
              [mediaTypes.json]: { schema: envelope(TranscriptExportSchema) },
              [mediaTypes.txt]: { schema: TextFile },
              [mediaTypes.srt]: { schema: TextFile },
              [mediaTypes.vtt]: { schema: TextFile },
            },
          },
          400: ErrorBody,
          401: ErrorBody,
          404: ErrorBody,
          500: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query
      const transcript = await options.notes.findTranscript(request.userId, request.params.id)
      if (!transcript) throw new CodedError('NOTE_NOT_FOUND')

      const fileName = safeDownloadName(transcript.title, format)
      reply
        .type(`${mediaTypes[format]}; charset=utf-8`)
        .header('content-disposition', attachmentDisposition(fileName))
        // The file changes when the note is renamed or deleted; never serve a stale copy.
        .header('cache-control', 'private, no-cache')
      if (format === 'json') return reply.send({ success: true as const, data: transcript })
      return reply.send(render(format, transcript))
    },
  )
}

function render(format: Exclude<TranscriptFormat, 'json'>, transcript: TranscriptExport): string {
  switch (format) {
    case 'txt':
      return toPlainText(transcript.text)
    case 'srt':
      return toSrt(transcript.segments)
    case 'vtt':
      return toVtt(transcript.segments)
  }
}
