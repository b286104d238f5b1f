import type { NoteDetail } from '@tella/contracts'
import type { Output } from './output.ts'

/** Title, course, length, summary and key points of a note. */
export function printNoteHead(output: Output, note: NoteDetail): void {
  output.out(`Note ${note.id}: ${note.title}`)
  if (note.course) output.out(`Course: ${note.course.name}`)
  if (note.duration !== null) output.out(`Duration: ${clock(note.duration)}`)
  output.out('')
  output.out('Summary:')
  output.out(`  ${note.summary || '(none: no speech was recognised)'}`)
  if (note.keyPoints.length > 0) {
    output.out('')
    output.out('Key points:')
    for (const point of note.keyPoints) output.out(`  - ${point}`)
  }
}

/** The whole note: its head, then the transcript one timed segment a line. */
export function printNote(output: Output, note: NoteDetail): void {
  printNoteHead(output, note)
  output.out('')
  if (note.transcript.segments.length === 0) {
    output.out(`Transcript: ${note.transcript.text || '(empty: no speech was recognised)'}`)
    return
  }
  output.out('Transcript:')
  for (const segment of note.transcript.segments) {
    output.out(`  [${clock(segment.start)} → ${clock(segment.end)}] ${segment.text.trim()}`)
  }
}

/** `1:05.3`: minutes and seconds with a tenth. */
export function clock(seconds: number): string {
  const tenths = Math.round(Math.max(0, seconds) * 10)
  const minutes = Math.floor(tenths / 600)
  return `${minutes}:${((tenths % 600) / 10).toFixed(1).padStart(4, '0')}`
}
