import type { NoteDetail } from '@tella/contracts'
import type { ApiClient } from '../api/api-client.ts'
import { readPayload } from '../api/api-client.ts'
import { ApiError, exitCodes } from '../failures.ts'
import { printNote } from '../output/note-view.ts'
import {
  formatTranscript,
  type TranscriptFormat,
  transcriptFormats,
} from '../output/transcript-format.ts'
import { type Command, choiceOption } from './command.ts'

export const noteCommand: Command = {
  name: 'note',
  synopsis: 'note <note-id>',
  summary: 'print a note, or only its transcript with --format',
  positionals: ['note-id'],
  options: { format: { type: 'string' } },
  usesApi: true,
  help: `Prints a note: title, summary, key points and the timed transcript.

Options:
  --format <f>    only the transcript, as ${transcriptFormats.join(', ')}
                  (srt and vtt are subtitle files: tella note <id> --format srt > talk.srt)
  --token <jwt>   bearer token (default: TELLA_TOKEN)`,

  async run(context, values, [noteId = '']) {
    const format = choiceOption(values, 'format', transcriptFormats)
    const api = context.api()
    const notePath = `/api/notes/${encodeURIComponent(noteId)}`
    if (format) {
      context.output.draw(await transcriptDocument(api, notePath, format))
      return exitCodes.ok
    }
    const note = await api.call<NoteDetail>('GET', notePath)
    printNote(context.output, note)
    return exitCodes.ok
  },
}

/**
 * The transcript as the server formats it (`GET /api/notes/:id/transcript`). A server
 * without that route answers ROUTE_NOT_FOUND; the document is then made here from the note's
 * timed segments, so the command works against either version.
 */
async function transcriptDocument(api: ApiClient, notePath: string, format: TranscriptFormat) {
  const path = `${notePath}/transcript?format=${format}`
  const response = await api.open(path, { signal: AbortSignal.timeout(30_000) })
  const type = response.headers.get('content-type') ?? ''
  try {
    if (!response.ok || type.startsWith('application/json')) {
      const payload = await readPayload(response, api.url(path))
      const data = payload.data
      return typeof data === 'string' ? withNewline(data) : `${JSON.stringify(data, null, 2)}\n`
    }
    return withNewline(await response.text())
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'ROUTE_NOT_FOUND') throw error
  }
  const note = await api.call<NoteDetail>('GET', notePath)
  return formatTranscript(note.transcript.segments, format)
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
