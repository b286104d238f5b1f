import t from 'tap'
import { parseSummaryReply } from '../../src/chat/summary-reply.ts'

const expected = { summary: 'Cells divide by mitosis.', keyPoints: ['Mitosis', 'Cell cycle'] }
const json = JSON.stringify(expected)

t.test('a bare JSON object is read as it is', async (t) => {
  t.same(parseSummaryReply(json), expected)
  t.same(parseSummaryReply(`\n  ${json}  \n`), expected, 'surrounding whitespace')
})

t.test('JSON in a Markdown code fence is read, with or without a language tag', async (t) => {
  t.same(parseSummaryReply(`\`\`\`json\n${json}\n\`\`\``), expected)
  t.same(parseSummaryReply(`\`\`\`\n${json}\n\`\`\``), expected)
  t.same(
    parseSummaryReply(`Here is the summary:\n\`\`\`json\n${json}\n\`\`\`\nHope it helps!`),
    expected,
  )
})

t.test('JSON after a sentence of prose is read', async (t) => {
  t.same(parseSummaryReply(`Sure! Here is the JSON you asked for: ${json} Let me know.`), expected)
})

t.test('key_points is read as keyPoints, and list markers are dropped', async (t) => {
  const reply = JSON.stringify({
    summary: '  Cells divide by mitosis. ',
    key_points: ['- Mitosis', '2. Cell cycle', '   ', '• Chromosomes'],
  })
  t.same(parseSummaryReply(reply), {
    summary: 'Cells divide by mitosis.',
    keyPoints: ['Mitosis', 'Cell cycle', 'Chromosomes'],
  })
})

t.test('a reply without the JSON summary is refused', async (t) => {
  t.equal(parseSummaryReply(null), null, 'no content')
  t.equal(parseSummaryReply(''), null, 'empty content')
  t.equal(parseSummaryReply('The lecture was about cells.'), null, 'prose only')
  t.equal(parseSummaryReply('{"summary": "cut off mid'), null, 'truncated JSON')
  t.equal(parseSummaryReply('["Mitosis"]'), null, 'an array')
  t.equal(parseSummaryReply('{"summary": 3, "keyPoints": []}'), null, 'summary not a string')
  t.equal(parseSummaryReply('{"summary": "x", "keyPoints": "Mitosis"}'), null, 'points not a list')
  t.equal(parseSummaryReply('{"summary": "x", "keyPoints": [1, 2]}'), null, 'points not strings')
  t.equal(parseSummaryReply('{"text": "x"}'), null, 'other fields')
})
