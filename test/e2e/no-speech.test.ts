import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startStack } from '../support/index.ts'
import { importRecording } from '../support/recording-upload.ts'

const run = promisify(execFile)
const format = ['-r', '16000', '-c', '1', '-b', '16']

/**
 * A plucked two-voice melody of eight notes, repeated: pocketsphinx hears it as "then then
 * then …", one word per note, which is the decoding loop the note must not keep.
 */
async function melody(dir: string, repeats: number): Promise<string> {
  const notes: string[] = []
  for (let index = 0; index < 8; index += 1) {
    const note = path.join(dir, `note-${index}.wav`)
    const low = 200 + (index % 4) * 50
    const high = 300 + (index % 4) * 70
    await run('sox', [
      ...['-n', ...format, note],
      ...['synth', '0.5', 'pluck', `${low}`, 'synth', '0.5', 'pluck', 'mix', `${high}`],
      ...['fade', '0', '0.5', '0.3'],
    ])
    notes.push(note)
  }
  const output = path.join(dir, 'melody.wav')
  await run('sox', [...Array.from({ length: repeats }, () => notes).flat(), output])
  return output
}

t.test('silence alone or a melody alone gives a completed note without words', async (t) => {
  const stack = await startStack()
  t.teardown(() => stack.stop())
  const dir = t.testdir()
  const silence = path.join(dir, 'silence.wav')
  await run('sox', ['-n', ...format, silence, 'trim', '0', '20'])
  const recordings = { silence, melody: await melody(dir, 3) }
  const { stdout } = await run('pocketsphinx_continuous', ['-infile', recordings.melody])
  t.match(stdout, /[a-z]+/, `pocketsphinx alone invents words from the melody: ${stdout.trim()}`)

  for (const [kind, file] of Object.entries(recordings)) {
    const { history, note } = await importRecording(
      stack.baseUrl,
      'user_quiet',
      file,
      kind,
      180_000,
    )

    t.equal(history.at(-1)?.status, 'COMPLETED', `${kind}: the job completed`)
    if (!note) continue
    t.equal(note.transcript.empty, true, `${kind}: the note is flagged empty`)
    t.equal(note.transcript.text, '', `${kind}: no invented text`)
    t.same(note.transcript.segments, [], `${kind}: no segments`)
    t.notOk(note.summary, `${kind}: no summary of nothing`)
    t.same(note.keyPoints, [], `${kind}: no key points`)
  }
})
