import path from 'node:path'
import { CodedError, noteTitleMaxLength } from '@tella/contracts'

/**
 * Keeps only the last path segment of a client-supplied file name and drops control
 * characters: browsers send bare names, but other clients send paths or worse.
 */
export function safeFileName(raw: string | undefined): string | null {
  if (!raw) return null
  // Browsers (the HTML form-data rules) and curl send `"`, CR and LF in a file name as %22,
  // %0D and %0A; those three are decoded back, nothing else is.
  const sent = raw.replace(/%(22|0D|0A)/giu, (_match, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
  const base = path.posix.basename(sent.replaceAll('\\', '/'))
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/gu, '').trim()
  return cleaned === '' ? null : cleaned.slice(0, 255)
}

/**
 * A readable note title from a file name, as the reference shows for `audio_lecture.mp3`
 * ("Audio Lecture"): extension dropped, separators turned into spaces, words capitalised.
 */
export function titleFromFileName(fileName: string | null): string {
  if (!fileName) return 'Untitled recording'
  const stem = fileName.replace(/\.[A-Za-z0-9]{1,5}$/u, '')
  const words = stem
    .split(/[\s_.-]+/u)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
  const title = words.join(' ').slice(0, noteTitleMaxLength)
  return title === '' ? 'Untitled recording' : title
}

/**
 * A title the user typed, trimmed and single-spaced; blank means none. Over 200 characters
 * (code points, as sent) is refused, never cut: on import as on rename, a title is stored as
 * the user wrote it or not at all.
 *
 * @example
 * cleanTitle('  Cell   Division ') // 'Cell Division'
 * cleanTitle('x'.repeat(201)) // throws NOTE_TITLE_INVALID
 */
export function cleanTitle(raw: string | undefined): string | null {
  if (raw === undefined) return null
  if (Array.from(raw).length > noteTitleMaxLength) throw new CodedError('NOTE_TITLE_INVALID')
  // Control characters (NUL included, which Postgres cannot store) become spaces, and a lone
  // UTF-16 surrogate (JSON can escape one: "\ud800") U+FFFD: Postgres refuses it in JSON. With
  // the u flag the class matches lone surrogates only; a pair is one code point.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const visible = raw.replace(/[\ud800-\udfff]/gu, '\ufffd').replace(/[\u0000-\u001f\u007f]/gu, ' ')
  const title = visible.replace(/\s+/gu, ' ').trim()
  return title === '' ? null : title
}
