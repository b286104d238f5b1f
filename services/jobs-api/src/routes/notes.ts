import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CodedError, ErrorBody, envelope, NoteDetail } from '@tella/contracts'
import Type from 'typebox'
import type { NoteQueries } from '../notes/note-queries.ts'

const NoteIdParams = Type.Object({ id: Type.String({ pattern: '^note_[A-Za-z0-9]{1,64}$' }) })

/** A finished note: title, course, summary, key points and the timed transcript. */
export const noteRoutes: FastifyPluginAsyncTypebox<{ notes: NoteQueries }> = async (
  app,
  options,
) => {
  app.get(
    '/api/notes/:id',
    {
      config: { failureMessage: 'Failed to fetch note', invalidIdCode: 'INVALID_NOTE_ID' },
      schema: {
        params: NoteIdParams,
        response: {
          200: envelope(NoteDetail),
          400: ErrorBody,
          401: ErrorBody,
          404: ErrorBody,
          500: ErrorBody,
        },
      },
    },
    async (request) => {
      const note = await options.notes.findNote(request.userId, request.params.id)
      if (!note) throw new CodedError('NOTE_NOT_FOUND')
      return { success: true as const, data: note }
    },
  )
}
