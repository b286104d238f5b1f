import t from 'tap'
import type { TranscriptSegment } from '../../src/engines/engine.ts'
import {
  collapseRepeatedLines,
  holdsNoSpeech,
  minWordsPerSoundMinute,
} from '../../src/quality/transcript-cleanup.ts'

let clock = 0
function line(text: string): TranscriptSegment {
  clock += 2
  return { start: clock, end: clock + 1, text }
}

t.test('a line repeated many times in a row becomes one, at its first time', async (t) => {
  const first = line('Thank you.')
  const segments = [first, line('thank you'), line('Thank you!'), line('Thank you.'), line('Bye.')]

  const kept = collapseRepeatedLines(segments)

  t.same(kept, [first, segments[4]], 'case and punctuation do not make a line new')
})

t.test('a line said twice stays twice: people repeat themselves', async (t) => {
  const segments = [line('no'), line('no'), line('that is wrong')]

  t.same(collapseRepeatedLines(segments), segments)
})

t.test('repeats that are not in a row are all kept', async (t) => {
  const segments = [line('then'), line('so'), line('then'), line('so'), line('then')]

  t.same(collapseRepeatedLines(segments), segments)
})

t.test('pocketsphinx looping on a melody ("then" × 30) keeps one "then"', async (t) => {
  const segments = Array.from({ length: 30 }, () => line('then'))

  t.same(collapseRepeatedLines(segments), [segments[0]])
})

t.test('a few stray words over a minute of sound are not speech', async (t) => {
  t.ok(holdsNoSpeech([line('oh'), line('i am')], 20), '3 words in 20 s of a melody')
  t.ok(holdsNoSpeech([line('then')], 60), 'one word in a minute of organ')
  t.ok(holdsNoSpeech([], 60), 'nothing at all')
})

t.test('speech, even slow, is speech', async (t) => {
  const sentence = 'he was not an ill disposed young man'
  t.notOk(holdsNoSpeech([line(sentence)], 3), 'eight words in three seconds')
  const slow = Array.from({ length: 12 }, (_, index) => line(`word${index} and more`))
  t.notOk(holdsNoSpeech(slow, 60), `${36} words a minute, over ${minWordsPerSoundMinute}`)
})

t.test('words where no sound was measured are trusted: the engine heard them', async (t) => {
  t.notOk(holdsNoSpeech([line('hello there')], 0))
})
