/**
 * Strict readers of SubRip and WebVTT for the tests: they accept only what the formats allow
 * and throw on the first deviation, so a test that parses what the API emits proves the file
 * is valid, not merely that it looks right. Times come back in milliseconds; WebVTT text is
 * returned decoded.
 */

export interface ParsedCue {
  startMs: number
  endMs: number
  lines: string[]
}

const srtTiming = /^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$/u
const vttTiming =
  /^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$/u

function toMs(parts: string[]): number {
  const [hours, minutes, seconds, ms] = parts.map(Number) as [number, number, number, number]
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms
}

function timing(line: string | undefined, pattern: RegExp, where: string) {
  const match = pattern.exec(line ?? '')
  if (!match) throw new Error(`${where}: not a timing line: ${JSON.stringify(line)}`)
  const startMs = toMs(match.slice(1, 5))
  const endMs = toMs(match.slice(5, 9))
  if (!(endMs > startMs)) throw new Error(`${where}: ends at or before its start`)
  return { startMs, endMs }
}

function checkTextLines(lines: string[], where: string): void {
  if (lines.length === 0) throw new Error(`${where}: a cue without text`)
  for (const line of lines) {
    if (line.trim() === '') throw new Error(`${where}: a blank text line`)
    if (line.includes('-->')) throw new Error(`${where}: an arrow in the text`)
  }
}

/** SubRip: `n`, timing, text lines, a blank line; indices 1, 2, 3… in order. */
export function parseSrt(file: string): ParsedCue[] {
  if (file.includes('\r')) throw new Error('a carriage return')
  if (file === '') return []
  if (!file.endsWith('\n\n')) throw new Error('the last cue is not followed by a blank line')
  return file
    .slice(0, -2)
    .split('\n\n')
    .map((block, index) => {
      const where = `cue ${index + 1}`
      const [number, timingLine, ...lines] = block.split('\n')
      if (number !== String(index + 1)) throw new Error(`${where}: index ${number}`)
      const times = timing(timingLine, srtTiming, where)
      checkTextLines(lines, where)
      return { ...times, lines }
    })
}

/** WebVTT: `WEBVTT`, a blank line, then cues of timing and escaped text, in start order. */
export function parseVtt(file: string): ParsedCue[] {
  if (file.includes('\r')) throw new Error('a carriage return')
  if (file === 'WEBVTT\n') return []
  if (!file.startsWith('WEBVTT\n\n')) throw new Error('no WEBVTT header and blank line')
  if (!file.endsWith('\n') || file.endsWith('\n\n')) throw new Error('a bad end of file')

  let previousStart = 0
  return file
    .slice('WEBVTT\n\n'.length, -1)
    .split('\n\n')
    .map((block, index) => {
      const where = `cue ${index + 1}`
      const [timingLine, ...lines] = block.split('\n')
      const times = timing(timingLine, vttTiming, where)
      if (times.startMs < previousStart) throw new Error(`${where}: starts before the last cue`)
      previousStart = times.startMs
      checkTextLines(lines, where)
      return { ...times, lines: lines.map((line) => decodeVttText(line, where)) }
    })
}

/** Cue text may hold only the three escapes the API writes, and no tag. */
function decodeVttText(line: string, where: string): string {
  if (line.includes('<')) throw new Error(`${where}: a raw < opens a tag`)
  if (/&(?!amp;|lt;|gt;)/u.test(line)) throw new Error(`${where}: a raw &`)
  return line.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}
