import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, envelope, MessageBody, NoteDetail, UpdateNoteBody } from '@tella/contracts'
import type { NoteWrites } from '../notes/note-writes.ts'
import { strictBodyValidator } from '../plugins/strict-body.ts'
import { NoteIdParams } from './id-params.ts'

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
}

/**
 * Renaming a note, filing it under a course (or none), and deleting it. Deleting a note keeps
 * the job that made it, as deleting a job keeps its note.
 */
export const noteEditRoutes: FastifyPluginAsyncTypebox<{ writes: NoteWrites }> = async (
  app,
  options,
) => {
  const { writes } = options

  app.patch(
    '/api/notes/:id',
    {
      config: {
        failureMessage: 'Failed to update note',
        invalidIdCode: 'INVALID_NOTE_ID',
        bodyFieldCodes: { '/title': 'NOTE_TITLE_INVALID', '/courseId': 'INVALID_COURSE_ID' },
      },
      validatorCompiler: strictBodyValidator,
      schema: {
        params: NoteIdParams,
        body: UpdateNoteBody,
        response: { 200: envelope(NoteDetail), ...errors },
      },
    },
    async (request) => {
      const { userId } = request
      const note = await writes.update(userId, request.params.id, request.body)
      request.log.info(
        { noteId: note.id, userId, fields: Object.keys(request.body) },
        'note updated',
      )
      return { success: true as const, data: note }
    },
  )

  app.delete(
    '/api/notes/:id',
    {
      config: { failureMessage: 'Failed to delete note', invalidIdCode: 'INVALID_NOTE_ID' },
      schema: { params: NoteIdParams, response: { 200: MessageBody, ...errors } },
    },
    async (request) => {
      await writes.delete(request.userId, request.params.id)
      request.log.info({ noteId: request.params.id, userId: request.userId }, 'note deleted')
      return { success: true as const, message: 'Note deleted successfully' }
    },
  )
}
