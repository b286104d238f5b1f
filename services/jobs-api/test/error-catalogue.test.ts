import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ErrorCode, errorCatalogue, errorCodes } from '@tella/contracts'
import t from 'tap'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const cataloguePath = path.join(repoRoot, 'packages/contracts/src/errors.ts')

/** README.md and every Markdown file under docs/, where codes are documented for clients. */
async function documentation(): Promise<string> {
  const texts = [await readFile(path.join(repoRoot, 'README.md'), 'utf8')]
  const docs = path.join(repoRoot, 'docs')
  if (existsSync(docs)) {
    const names = await readdir(docs, { recursive: true })
    for (const name of names.filter((entry) => entry.endsWith('.md'))) {
      texts.push(await readFile(path.join(docs, name), 'utf8'))
    }
  }
  return texts.join('\n')
}

t.test('every code is written once in the catalogue source', async (t) => {
  // The object literal keeps only the last of two equal keys, so the source is what can show
  // a duplicate.
  const source = await readFile(cataloguePath, 'utf8')
  const body = source.slice(source.indexOf('export const errorCatalogue'))
  const written = [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*): \{/gmu)].map((match) => match[1])
  t.same([...written].sort(), [...errorCodes].sort(), 'the source lists the runtime codes')
  const repeated = written.filter((code, index) => written.indexOf(code) !== index)
  t.same(repeated, [], 'no code appears twice')
})

t.test('every code is UPPER_SNAKE with a message and an HTTP error status', async (t) => {
  t.ok(errorCodes.length > 0)
  for (const code of errorCodes) {
    const spec = errorCatalogue[code]
    t.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/u, `${code} is UPPER_SNAKE`)
    t.equal(typeof spec.message, 'string', `${code} has a message`)
    t.ok(spec.message.trim().length > 0, `${code}'s message is not blank`)
    t.ok(Number.isInteger(spec.status), `${code}'s status is an integer`)
    t.ok(spec.status >= 400 && spec.status <= 599, `${code}'s status ${spec.status} is an error`)
    t.equal(typeof spec.retryable, 'boolean', `${code} says whether it is retryable`)
  }
})

t.test('no two codes share a message, so a message never hides which code it is', async (t) => {
  const messages = errorCodes.map((code) => errorCatalogue[code].message)
  const shared = messages.filter((message, index) => messages.indexOf(message) !== index)
  t.same(shared, [])
})

t.test('every code is documented in README.md or docs/', async (t) => {
  const docs = await documentation()
  for (const code of errorCodes) {
    t.match(docs, new RegExp(`\\b${code}\\b`, 'u'), `${code} is documented`)
  }
})

t.test(
  'the documented statuses are the catalogue’s and no documented code is unknown',
  async (t) => {
    const docs = await documentation()
    const rows = [...docs.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| (\d{3}|job) \|/gmu)]
    t.ok(rows.length > 0, 'a table of codes exists')
    for (const [, code, status] of rows) {
      t.ok(code && code in errorCatalogue, `${code} is a catalogue code`)
      if (status !== 'job' && code && code in errorCatalogue) {
        t.equal(Number(status), errorCatalogue[code as ErrorCode].status, `${code}'s status`)
      }
    }
  },
)

t.test('the reference’s error messages are the catalogue’s messages', async (t) => {
  t.equal(errorCatalogue.AUTH_REQUIRED.message, 'Authentication required')
  t.equal(errorCatalogue.INVALID_JOB_ID.message, 'Invalid job ID')
  t.equal(errorCatalogue.JOB_NOT_FOUND.message, 'Job not found')
  t.equal(errorCatalogue.YOUTUBE_URL_INVALID.message, 'Invalid or private YouTube URL')
  t.equal(errorCatalogue.FILE_TOO_LARGE.message, 'Uploaded file exceeds size limits')
  t.equal(errorCatalogue.UNSUPPORTED_FORMAT.message, 'Audio/video format not supported')
  t.equal(errorCatalogue.RATE_LIMITED.message, 'Too many concurrent jobs')
  t.match(errorCatalogue.TRANSCRIPTION_FAILED.message, /audio quality too poor for transcription/u)
  t.match(errorCatalogue.NETWORK_TIMEOUT.message, /^Network timeout/u)
})
