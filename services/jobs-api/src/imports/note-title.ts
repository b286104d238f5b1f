import path from 'node:path'

const maxTitleLength = 200

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
  const title = words.join(' ').slice(0, maxTitleLength)
  return title === '' ? 'Untitled recording' : title
}

/** A title the user typed: trimmed, single-spaced, bounded. Empty means none. */
export function cleanTitle(raw: string | undefined): string | null {
  if (raw === undefined) return null
  // Control characters (NUL included, which Postgres cannot store) become spaces.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const visible = raw.replace(/[\u0000-\u001f\u007f]/gu, ' ')
  const title = visible.replace(/\s+/gu, ' ').trim().slice(0, maxTitleLength)
  return title === '' ? null : title
}
