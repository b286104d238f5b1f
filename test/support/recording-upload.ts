import { openAsBlob } from 'node:fs'
import path from 'node:path'
import type { NoteDetail } from '@tella/contracts'
import { type ObservedJob, watchJob } from './job-watch.ts'
import { bearer } from './tokens.ts'

/**
 * Uploads a recording over HTTP as the app does, streaming it from disk (a 30-minute WAV is
 * 58 MB), and returns the created job's id.
 */
export async function uploadRecording(
  baseUrl: string,
  userId: string,
  file: string,
  title: string,
): Promise<string> {
  const form = new FormData()
  form.append('title', title)
  form.append('file', await openAsBlob(file), path.basename(file))
  const response = await fetch(`${baseUrl}/api/imports/upload`, {
    method: 'POST',
    headers: bearer(userId),
    body: form,
  })
  if (response.status !== 202) {
    throw new Error(`upload answered ${response.status}: ${await response.text()}`)
  }
  return ((await response.json()) as { data: { id: string } }).data.id
}

/** The note of a finished job, with its transcript. */
export async function fetchNote(baseUrl: string, userId: string, noteId: string) {
  const response = await fetch(`${baseUrl}/api/notes/${noteId}`, { headers: bearer(userId) })
  if (response.status !== 200) throw new Error(`GET note answered ${response.status}`)
  return ((await response.json()) as { data: NoteDetail }).data
}

/**
 * Uploads a recording, follows its job to the end, and returns the path it took and, when
 * it completed, its note.
 *
 * @example
 * const { history, note } = await importRecording(stack.baseUrl, 'user_a', wav, 'Lecture', 6e4)
 */
export async function importRecording(
  baseUrl: string,
  userId: string,
  file: string,
  title: string,
  timeoutMs: number,
): Promise<{ history: ObservedJob[]; note: NoteDetail | undefined }> {
  const jobId = await uploadRecording(baseUrl, userId, file, title)
  const history = await watchJob(baseUrl, jobId, userId, timeoutMs, 250)
  const noteId = history.at(-1)?.noteId
  const note = noteId ? await fetchNote(baseUrl, userId, noteId) : undefined
  return { history, note }
}
