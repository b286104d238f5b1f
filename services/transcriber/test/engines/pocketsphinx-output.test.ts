import t from 'tap'
import {
  isFillerToken,
  PocketsphinxOutput,
  parseTokenLine,
  stripPronunciationVariant,
} from '../../src/engines/pocketsphinx-output.ts'
import { groupWordsIntoSegments } from '../../src/engines/segments.ts'

// Recorded from `pocketsphinx_continuous -infile <two utterances>.wav -time yes` on Debian 12,
// with a `[NOISE]` line added to cover the noise dictionary.
const recordedStdout = `he was not until this blows young man
<s> 8.490 8.820 0.999500
he 8.830 8.930 0.999100
was(2) 8.940 9.160 0.999600
not 9.170 9.580 0.997104
<sil> 9.590 9.730 0.580792
until 9.740 10.080 0.348394
[NOISE] 10.080 10.090 0.500000
this 10.090 10.280 0.027951
</s> 11.350 11.710 1.000000

<s> 13.220 13.300 1.000000
</s> 13.310 13.900 1.000000
homeless to(3) be
<s> 14.000 14.100 1.000000
homeless 14.110 14.690 0.024262
to(3) 14.700 14.790 0.422612
be 14.800 14.950 0.891265
</s> 15.000 15.200 1.000000`

t.test('token lines give the token and its times; other lines give nothing', async (t) => {
  t.same(parseTokenLine('was(2) 8.940 9.160 0.999600'), { token: 'was(2)', start: 8.94, end: 9.16 })
  t.same(parseTokenLine('a. 1 2 -0.5'), { token: 'a.', start: 1, end: 2 })
  t.equal(parseTokenLine('he was not until this blows young man'), undefined)
  t.equal(parseTokenLine(''), undefined)
  t.equal(parseTokenLine('three words only'), undefined)
})

t.test('silence markers, noise words and ++fillers++ are not words', async (t) => {
  for (const token of ['<s>', '</s>', '<sil>', '[NOISE]', '[SPEECH]', '++BREATH++', '+UM+']) {
    t.ok(isFillerToken(token), token)
  }
  for (const token of ['and', "'cause", 'a.', 'x-ray']) t.notOk(isFillerToken(token), token)
})

t.test('pronunciation variants are stripped only at the end of a word', async (t) => {
  t.equal(stripPronunciationVariant('and(2)'), 'and')
  t.equal(stripPronunciationVariant('to(13)'), 'to')
  t.equal(stripPronunciationVariant('and'), 'and')
  t.equal(stripPronunciationVariant('(2)x'), '(2)x')
})

t.test('recorded output yields the words, utterances and last word end', async (t) => {
  const output = new PocketsphinxOutput()
  const closed = recordedStdout.split('\n').filter((line) => output.push(line))

  t.equal(closed.length, 3, 'three utterances, one of them empty')
  t.same(
    output.words.map((word) => word.word),
    ['he', 'was', 'not', 'until', 'this', 'homeless', 'to', 'be'],
  )
  t.same(
    output.words.map((word) => word.utterance),
    [0, 0, 0, 0, 0, 2, 2, 2],
  )
  t.equal(output.lastWordEnd, 14.95)
  t.same(groupWordsIntoSegments(output.words), [
    { start: 8.83, end: 10.28, text: 'he was not until this' },
    { start: 14.11, end: 14.95, text: 'homeless to be' },
  ])
})

t.test('output of pure silence has no words', async (t) => {
  const output = new PocketsphinxOutput()
  for (const line of ['', '<s> 0.000 0.920 1.000100', '</s> 0.930 1.020 1.000000']) {
    output.push(line)
  }
  t.same(output.words, [])
  t.equal(output.lastWordEnd, 0)
})
