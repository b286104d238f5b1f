import t from 'tap'
import { attachmentDisposition, safeDownloadName } from '../../src/notes/download-name.ts'

/** Reads the two names back out of a Content-Disposition value, as a client would. */
function namesIn(header: string) {
  const ascii = /; filename="([^"]*)"/u.exec(header)?.[1]
  const encoded = /; filename\*=UTF-8''([^;\s]+)$/u.exec(header)?.[1]
  return { ascii, exact: encoded === undefined ? undefined : decodeURIComponent(encoded) }
}

t.test('a plain title is the name as it is, with the format as extension', async (t) => {
  t.equal(safeDownloadName('Biology Lecture 5', 'srt'), 'Biology Lecture 5.srt')
  const header = attachmentDisposition('Biology Lecture 5.srt')
  t.equal(
    header,
    'attachment; filename="Biology Lecture 5.srt"; filename*=UTF-8\'\'Biology%20Lecture%205.srt',
  )
  t.same(namesIn(header), { ascii: 'Biology Lecture 5.srt', exact: 'Biology Lecture 5.srt' })
})

const unsafeTitles = [
  ['path separators and leading dots', '../../etc/passwd', '_.._etc_passwd.txt'],
  ['a Windows path', 'C:\\Users\\ada\\notes', 'C__Users_ada_notes.txt'],
  [
    'characters Windows refuses',
    'What? <Cells> | "mitosis" *now*',
    'What_ _Cells_ _ _mitosis_ _now_.txt',
  ],
  ['a header injection', 'Lecture\r\nSet-Cookie: a=b', 'Lecture__Set-Cookie_ a=b.txt'],
  ['leading and trailing dots and blanks', '  ..hidden lecture.. ', 'hidden lecture.txt'],
  ['nothing but dots', '...', 'transcript.txt'],
  ['nothing but unsafe characters', '///???', 'transcript.txt'],
  ['an empty title', '', 'transcript.txt'],
  ['a Windows device name', 'con', '_con.txt'],
  ['a numbered device name', 'LPT1', '_LPT1.txt'],
] as const

for (const [what, title, expected] of unsafeTitles) {
  t.test(`a title with ${what} becomes ${JSON.stringify(expected)}`, async (t) => {
    const name = safeDownloadName(title, 'txt')
    t.equal(name, expected)
    const header = attachmentDisposition(name)
    t.match(header, /^[\x20-\x7e]+$/u, 'the header stays one line of printable ASCII')
    t.same(namesIn(header), { ascii: expected, exact: expected })
  })
}

t.test('a title outside ASCII keeps its exact name and an ASCII fallback', async (t) => {
  const name = safeDownloadName('Química – Aula 1 🧪', 'vtt')
  t.equal(name, 'Química – Aula 1 🧪.vtt')
  const header = attachmentDisposition(name)
  t.match(header, /^[\x20-\x7e]+$/u, 'the header itself is ASCII')
  t.same(namesIn(header), { ascii: 'Quimica _ Aula 1 _.vtt', exact: name })
})

t.test("the characters RFC 5987 leaves out of attr-char ('()*) are percent-encoded", async (t) => {
  const header = attachmentDisposition("Ada's (first) lecture.srt")
  t.match(header, /filename\*=UTF-8''Ada%27s%20%28first%29%20lecture\.srt$/u)
  t.equal(namesIn(header).exact, "Ada's (first) lecture.srt")
})

t.test('a long title is cut to 100 characters without splitting an emoji', async (t) => {
  t.equal(safeDownloadName('a'.repeat(300), 'srt'), `${'a'.repeat(100)}.srt`)
  const emoji = safeDownloadName('🧬'.repeat(150), 'srt')
  t.equal(emoji, `${'🧬'.repeat(100)}.srt`)
  t.doesNotThrow(() => attachmentDisposition(emoji))
})

t.test('a lone surrogate in a title is replaced, not a URIError', async (t) => {
  const name = safeDownloadName('Broken \ud83e title', 'txt')
  t.equal(name, 'Broken _ title.txt')
  t.same(namesIn(attachmentDisposition(name)).exact, name)
})
