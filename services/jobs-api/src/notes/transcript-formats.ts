/**
 * Writes a timed transcript as plain text, SubRip (SRT) or WebVTT, the formats people paste
 * into players, editors and course sites. Both subtitle formats are line-based, so every cue
 * is made safe first: its text never holds a blank line (which would end the cue early) or an
 * arrow `-->` (which parsers take for a timing line), and its end is always after its start.
 */

export interface TimedSegment {
  start: number
  end: number
  text: string
}

/** One subtitle cue: whole milliseconds and text lines that are neither empty nor blank. */
export interface Cue {
  startMs: number
  endMs: number
  lines: string[]
}

// Everything a subtitle parser may take as a line break, not only CR and LF.
const lineBreaks = /\r\n|[\n\r\u0085\u2028\u2029]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu

/**
 * Turns stored segments into cues in start order. Segments without text or with times that
 * are not numbers are left out: a transcript is shown, never refused. Times are rounded to
 * the millisecond; a cue that would end at or before its start lasts 1 ms instead, since
 * WebVTT requires the end after the start.
 *
 * @example
 * toCues([{ start: 1.0004, end: 1.0001, text: 'Hi' }]) // [{ startMs: 1000, endMs: 1001, … }]
 */
export function toCues(segments: readonly TimedSegment[]): Cue[] {
  const cues: Cue[] = []
  for (const segment of segments) {
    const { start, end, text } = segment
    if (!Number.isFinite(start) || !Number.isFinite(end) || typeof text !== 'string') continue
    const lines = textLines(text)
    if (lines.length === 0) continue
    const startMs = Math.max(0, Math.round(start * 1000))
    const endMs = Math.max(startMs + 1, Math.round(end * 1000))
    cues.push({ startMs, endMs, lines })
  }
  // Both formats want cues in time order; Array.prototype.sort is stable, so equal starts
  // keep the transcript's order.
  return cues.sort((a, b) => a.startMs - b.startMs)
}

function textLines(text: string): string[] {
  return text
    .split(lineBreaks)
    .map((line) => line.replace(controlCharacters, ' ').replace(/\s+/gu, ' ').trim())
    .filter((line) => line !== '')
}

/** `HH:MM:SS` and the milliseconds after `separator`; hours grow past two digits if needed. */
export function formatTimestamp(totalMs: number, separator: ',' | '.'): string {
  const ms = totalMs % 1000
  const totalSeconds = Math.floor(totalMs / 1000)
  const seconds = totalSeconds % 60
  const minutes = Math.floor(totalSeconds / 60) % 60
  const hours = Math.floor(totalSeconds / 3600)
  const two = (value: number) => String(value).padStart(2, '0')
  return `${two(hours)}:${two(minutes)}:${two(seconds)}${separator}${String(ms).padStart(3, '0')}`
}

/**
 * SubRip: numbered cues from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each.
 * An empty transcript is an empty file, which players read as no subtitles.
 *
 * SRT has no escapes: `&` and `<` are written as they are, since players show `&lt;` as typed.
 * Only an arrow could break a cue, so any run of dashes before `>` is shortened to `->`.
 */
export function toSrt(segments: readonly TimedSegment[]): string {
  return toCues(segments)
    .map((cue, index) => {
      const timing = `${formatTimestamp(cue.startMs, ',')} --> ${formatTimestamp(cue.endMs, ',')}`
      const text = cue.lines.map((line) => line.replace(/-{2,}>/gu, '->'))
      return `${index + 1}\n${timing}\n${text.join('\n')}\n\n`
    })
    .join('')
}

/**
 * WebVTT: the `WEBVTT` header, a blank line, then cues of `HH:MM:SS.mmm --> HH:MM:SS.mmm`.
 * Cue text is escaped (`&amp;`, `&lt;`, `&gt;`) so a `<` never opens a tag and `-->` cannot
 * appear; players show the original characters. An empty transcript is the header alone.
 */
export function toVtt(segments: readonly TimedSegment[]): string {
  const cues = toCues(segments).map((cue) => {
    const timing = `${formatTimestamp(cue.startMs, '.')} --> ${formatTimestamp(cue.endMs, '.')}`
    return `${timing}\n${cue.lines.map(escapeVttText).join('\n')}\n`
  })
  return ['WEBVTT\n', ...cues].join('\n')
}

function escapeVttText(line: string): string {
  return line.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** The transcript's text with a final newline; an empty transcript is an empty file. */
export function toPlainText(text: string): string {
  const trimmed = text.trim()
  return trimmed === '' ? '' : `${trimmed}\n`
}
