import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { normaliseWords, wordEditDistance } from '@tella/transcriber/quality'
import t from 'tap'
import { type LibrivoxClip, librivoxClips, startStack } from '../support/index.ts'
import { buildLecture } from '../support/lecture.ts'
import { importRecording } from '../support/recording-upload.ts'

const run = promisify(execFile)

/**
 * Chunks of at most 15 s: with clips of 3–7 s and pauses of 1.5–6 s, nearly every pause is
 * a cut, the hardest case for the rule that cuts never fall inside words. Measured on this
 * lecture: pipeline 0.366, pocketsphinx direct 0.366; cutting blind every 15 s instead (no
 * pauses) gives 0.437, and every 10 s 0.521, so the check does see words being cut.
 */
const chunkSec = '15'

/** Word edits of pocketsphinx run directly on one file, as Debian ships it, defaults only. */
async function directEdits(clip: LibrivoxClip): Promise<{ edits: number; text: string }> {
  const { stdout } = await run('pocketsphinx_continuous', ['-infile', clip.file], {
    maxBuffer: 16 * 1024 * 1024,
  })
  const text = stdout.split('\n').join(' ').trim()
  return { edits: wordEditDistance(normaliseWords(clip.reference), normaliseWords(text)), text }
}

t.test('the pipeline’s word error rate is no worse than pocketsphinx run directly', async (t) => {
  const stack = await startStack({ env: { POCKETSPHINX_CHUNK_SEC: chunkSec } })
  t.teardown(() => stack.stop())
  const clips = await librivoxClips()
  const wav = path.join(t.testdir(), 'two rounds of librivox.wav')
  const lecture = await buildLecture(clips, wav, 70, { wholeRounds: true })
  t.equal(lecture.placements.length, 2 * clips.length, 'every file twice')

  const direct = new Map<string, number>()
  for (const clip of clips) {
    const { edits, text } = await directEdits(clip)
    direct.set(clip.file, edits)
    t.comment(`direct ${path.basename(clip.file)}: ${edits} edits, "${text}"`)
  }
  const referenceWords = normaliseWords(lecture.reference).length
  const directTotal = lecture.placements.reduce((sum, p) => sum + (direct.get(p.clip.file) ?? 0), 0)
  const directRate = directTotal / referenceWords

  const { history, note } = await importRecording(
    stack.baseUrl,
    'user_wer',
    wav,
    'Word error rate',
    240_000,
  )
  if (!note) {
    t.fail(`job ended ${JSON.stringify(history.at(-1))}\n${stack.services.transcriber.logs}`)
    return
  }
  const pipelineEdits = wordEditDistance(
    normaliseWords(lecture.reference),
    normaliseWords(note.transcript.text),
  )
  const pipelineRate = pipelineEdits / referenceWords

  t.comment(
    `WER over ${referenceWords} words: pipeline ${pipelineRate.toFixed(3)} ` +
      `(${pipelineEdits} edits, ${chunkSec} s chunks), ` +
      `pocketsphinx direct ${directRate.toFixed(3)} (${directTotal} edits)`,
  )
  t.ok(
    pipelineRate <= directRate,
    `pipeline ${pipelineRate.toFixed(3)} is no worse than direct ${directRate.toFixed(3)}`,
  )
})
