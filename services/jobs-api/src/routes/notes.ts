import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CodedError,
  ErrorBody,
  envelope,
  ListNotesQuery,
  NoteDetail,
  NoteList,
} from '@tella/contracts'
import type { NoteQueries } from '../notes/note-queries.ts'
import { NoteIdParams } from './id-params.ts'
import { noteTranscriptRoutes } from './note-transcript.ts'
import { paginationOf } from './pagination.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody, 503: ErrorBody }

/**
 * Reading notes: the caller's notes page by page (optionally one course's), one note with its
 * summary, key points and timed transcript, and the transcript as a file.
 */
export const noteRoutes: FastifyPluginAsyncTypebox<{ notes: NoteQueries }> = async (
  app,
  options,
) => {
  const { notes } = options

  app.get(
    '/api/notes',
    {
      config: { failureMessage: 'Failed to fetch notes' },
      schema: { querystring: ListNotesQuery, response: { 200: envelope(NoteList), ...errors } },
    },
    async (request) => {
      const { query } = request
      const page = await notes.listNotes(request.userId, query)
      return {
        success: true as const,
        data: { notes: page.notes, pagination: paginationOf(query, page.notes.length, page.total) },
      }
    },
  )

  app.get(
    '/api/notes/:id',
    {
      config: { failureMessage: 'Failed to fetch note', invalidIdCode: 'INVALID_NOTE_ID' },
      schema: { params: NoteIdParams, response: { 200: envelope(NoteDetail), ...errors } },
    },
    async (request) => {
      const note = await notes.findNote(request.userId, request.params.id)
      if (!note) throw new CodedError('NOTE_NOT_FOUND')
      return { success: true as const, data: note }
    },
  )

  await app.register(noteTranscriptRoutes, { notes })
}
