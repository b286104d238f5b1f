import t, { type Test } from 'tap'
import { newId } from '../src/jobs/ids.ts'
import { parseSrt, parseVtt } from './notes/subtitle-parsers.ts'
import {
  type Answer,
  expectError,
  malformedNoteIds,
  newUser,
  seedNote,
  startApi,
} from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const exportOf = (noteId: string, user: string, query = '') =>
  api.request('GET', `/api/notes/${noteId}/transcript${query}`, { as: user })

/** A lecture past the hour, with text that tests the escaping of both subtitle formats. */
const longLecture = {
  text: 'Welcome. Compare a < b & c. See you --> next week.',
  segments: [
    { start: 0, end: 2.5, text: 'Welcome.' },
    { start: 3725.0004, end: 3727.1236, text: 'Compare a < b & c.' },
    { start: 5400, end: 5401.5, text: 'See you --> next week.' },
  ],
}

function expectDownload(t: Test, answer: Answer, mediaType: string, fileName: string) {
  t.equal(answer.status, 200)
  t.equal(answer.contentType, `${mediaType}; charset=utf-8`)
  t.equal(
    answer.headers['content-disposition'],
    `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  )
}

t.test('format=srt answers a valid SubRip file named after the note', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user, transcript: longLecture })
  const answer = await exportOf(noteId, user, '?format=srt')
  expectDownload(t, answer, 'application/x-subrip', 'Biology Lecture 5.srt')
  t.equal(
    answer.body,
    '1\n00:00:00,000 --> 00:00:02,500\nWelcome.\n\n' +
      '2\n01:02:05,000 --> 01:02:07,124\nCompare a < b & c.\n\n' +
      '3\n01:30:00,000 --> 01:30:01,500\nSee you -> next week.\n\n',
  )
  t.equal(parseSrt(answer.body).length, 3)
})

t.test('format=vtt answers a valid WebVTT file with its text escaped', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user, transcript: longLecture })
  const answer = await exportOf(noteId, user, '?format=vtt')
  expectDownload(t, answer, 'text/vtt', 'Biology Lecture 5.vtt')
  t.equal(
    answer.body,
    'WEBVTT\n\n' +
      '00:00:00.000 --> 00:00:02.500\nWelcome.\n\n' +
      '01:02:05.000 --> 01:02:07.124\nCompare a &lt; b &amp; c.\n\n' +
      '01:30:00.000 --> 01:30:01.500\nSee you --&gt; next week.\n',
  )
  t.same(
    parseVtt(answer.body).map((cue) => cue.lines[0]),
    longLecture.segments.map((segment) => segment.text),
    'a reader gets the text back as said',
  )
})

t.test('format=txt answers the plain transcript', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user, transcript: longLecture })
  const answer = await exportOf(noteId, user, '?format=txt')
  expectDownload(t, answer, 'text/plain', 'Biology Lecture 5.txt')
  t.equal(answer.body, `${longLecture.text}\n`)
})

t.test('no format answers JSON: the timed transcript in the API envelope', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user, transcript: longLecture })
  for (const query of ['', '?format=json']) {
    const answer = await exportOf(noteId, user, query)
    expectDownload(t, answer, 'application/json', 'Biology Lecture 5.json')
    t.same(answer.body, {
      success: true,
      data: {
        noteId,
        title: 'Biology Lecture 5',
        text: longLecture.text,
        segments: longLecture.segments,
        empty: false,
      },
    })
  }
})

t.test('an empty transcript exports as valid empty documents in every format', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user, transcript: { text: '', segments: [] } })
  const srt = await exportOf(noteId, user, '?format=srt')
  t.equal(srt.status, 200)
  t.equal(srt.body, '')
  t.same(parseSrt(srt.body), [])
  const vtt = await exportOf(noteId, user, '?format=vtt')
  t.equal(vtt.body, 'WEBVTT\n')
  t.same(parseVtt(vtt.body), [])
  t.equal((await exportOf(noteId, user, '?format=txt')).body, '')
  const asJson = await exportOf(noteId, user)
  t.same(asJson.body.data, {
    noteId,
    title: 'Biology Lecture 5',
    text: '',
    segments: [],
    empty: true,
  })
})

t.test('a title with unsafe characters gives a safe file name', async (t) => {
  const user = newUser()
  const title = 'Week 3: "Cells" / Mitosis?\r\nX-Injected: yes'
  const noteId = await seedNote(api.db, { userId: user, title })
  const answer = await exportOf(noteId, user, '?format=srt')
  expectDownload(
    t,
    answer,
    'application/x-subrip',
    'Week 3_ _Cells_ _ Mitosis___X-Injected_ yes.srt',
  )
  t.equal(answer.headers['x-injected'], undefined)
})

t.test('a renamed note exports under its new name', async (t) => {
  const user = newUser()
  const noteId = await seedNote(api.db, { userId: user })
  await api.request('PATCH', `/api/notes/${noteId}`, {
    as: user,
    payload: JSON.stringify({ title: 'Química 🧪' }),
    headers: { 'content-type': 'application/json' },
  })
  const answer = await exportOf(noteId, user, '?format=vtt')
  t.equal(
    answer.headers['content-disposition'],
    `attachment; filename="Quimica _.vtt"; filename*=UTF-8''${encodeURIComponent('Química 🧪.vtt')}`,
  )
})

t.test('another user’s note answers 404 NOTE_NOT_FOUND in every format', async (t) => {
  const noteId = await seedNote(api.db, { userId: newUser() })
  for (const query of ['', '?format=srt', '?format=vtt', '?format=txt']) {
    expectError(t, await exportOf(noteId, newUser(), query), 'NOTE_NOT_FOUND')
  }
  expectError(t, await exportOf(newId('note'), newUser()), 'NOTE_NOT_FOUND')
})

const badQueries = [
  ['format=pdf', 'an unknown format'],
  ['format=SRT', 'an upper-case format'],
  ['format=', 'an empty format'],
  ['format=srt&format=vtt', 'two formats'],
  ['download=1', 'an unknown parameter'],
] as const
for (const [query, what] of badQueries) {
  t.test(`?${query} (${what}) answers 400 INVALID_QUERY`, async (t) => {
    const user = newUser()
    const noteId = await seedNote(api.db, { userId: user })
    expectError(t, await exportOf(noteId, user, `?${query}`), 'INVALID_QUERY')
  })
}

for (const [what, segment] of malformedNoteIds) {
  t.test(`GET /api/notes/<${what}>/transcript answers 400 INVALID_NOTE_ID`, async (t) => {
    const answer = await exportOf(segment, newUser(), '?format=srt')
    expectError(t, answer, 'INVALID_NOTE_ID', 'Invalid note ID')
  })
}

t.test('without a token the export answers 401 AUTH_REQUIRED', async (t) => {
  const answer = await api.request('GET', `/api/notes/${newId('note')}/transcript?format=srt`)
  expectError(t, answer, 'AUTH_REQUIRED')
})
