export interface Segment {
  start: number
  end: number
  text: string
}

export type TranscriptFormat = 'txt' | 'srt' | 'vtt' | 'json'
export const transcriptFormats: TranscriptFormat[] = ['txt', 'srt', 'vtt', 'json']

/**
 * A note's timed transcript as a document, for servers without
 * `GET /api/notes/:id/transcript`: SubRip (`00:00:01,250`), WebVTT (`00:00:01.250`), plain
 * text one segment a line, or the segments as JSON.
 *
 * @example
 * formatTranscript([{ start: 0, end: 1.5, text: 'Hello' }], 'srt')
 * // '1\n00:00:00,000 --> 00:00:01,500\nHello\n'
 */
export function formatTranscript(segments: Segment[], format: TranscriptFormat): string {
  const cues = segments.filter((segment) => segment.text.trim() !== '')
  if (format === 'json') return `${JSON.stringify({ segments }, null, 2)}\n`
  if (format === 'txt') return cues.map((cue) => `${cue.text.trim()}\n`).join('')

  const separator = format === 'srt' ? ',' : '.'
  const blocks = cues.map((cue, index) => {
    const times = `${timestamp(cue.start, separator)} --> ${timestamp(cue.end, separator)}`
    const lines = [times, cue.text.trim()]
    if (format === 'srt') lines.unshift(String(index + 1))
    return `${lines.join('\n')}\n`
  })
  if (format === 'vtt') return ['WEBVTT\n', ...blocks].join('\n')
  return blocks.join('\n')
}

function timestamp(seconds: number, separator: string): string {
  const total = Math.max(0, Math.round(seconds * 1000))
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  const hours = Math.floor(total / 3_600_000)
  const minutes = Math.floor(total / 60_000) % 60
  const secs = Math.floor(total / 1000) % 60
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(total % 1000, 3)}`
}
