import { errorCatalogue, errorCodes } from '@tella/contracts'
import t from 'tap'
import { describeCode, errorSentences } from '../src/error-messages.ts'

t.test('every code of the catalogue has a sentence for the terminal', async (t) => {
  const missing = errorCodes.filter((code) => !errorSentences[code]?.trim())
  t.same(missing, [], 'add a sentence to packages/cli/src/error-messages.ts for each of these')
  const stale = Object.keys(errorSentences).filter((code) => !(code in errorCatalogue))
  t.same(stale, [], 'no sentence for a code the catalogue does not have')
})

t.test(
  'a code prints its sentence and the code, and the server message only when it adds detail',
  async (t) => {
    t.same(await describeCode('JOB_NOT_FOUND', errorCatalogue.JOB_NOT_FOUND.message), [
      'No such job for this user: it was deleted, or belongs to someone else. [JOB_NOT_FOUND]',
    ])
    const detailed = await describeCode('INVALID_QUERY', 'Invalid query parameters: limit <= 100')
    t.equal(detailed.length, 2)
    t.match(detailed[0], /\[INVALID_QUERY\]$/)
    t.equal(detailed[1], '  detail: Invalid query parameters: limit <= 100')
  },
)

t.test('a code this client does not know prints the server message with the code', async (t) => {
  t.same(await describeCode('SOMETHING_NEW', 'The server explains it'), [
    'The server explains it [SOMETHING_NEW]',
  ])
  t.same(await describeCode(null, null), ['unknown error'])
})

t.test('a private video’s failure says so, not that the link is no YouTube video', async (t) => {
  const failure = 'Invalid or private YouTube URL: the video is private (its owner can make it …)'
  const lines = await describeCode('YOUTUBE_VIDEO_PRIVATE', failure)
  t.match(lines[0], /^The YouTube video is private: .* \[YOUTUBE_VIDEO_PRIVATE\]$/u)
  t.notMatch(lines.join('\n'), /not a link/u)
})
