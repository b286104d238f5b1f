import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  concatenateClips,
  librivoxClips,
  signToken,
  startStack,
  testJwtSecret,
  waitFor,
} from '@tella/test-support'
import t from 'tap'
import { spawnTella, type TellaResult, tella } from './support/run-tella.ts'

// One stack for the file: every test below is a user at a terminal, in this order.
const stack = await startStack()
t.teardown(() => stack.stop())
const dir = t.testdir()

const tokenRun = await tella(['token', '--user', 'user_cli'], { JWT_SECRET: testJwtSecret })
const user = { TELLA_API_URL: stack.baseUrl, TELLA_TOKEN: tokenRun.stdout.trim() }
const as = (args: string[]) => tella(args, user)
const [clip] = await librivoxClips()

let jobId = ''
let noteId = ''

t.test(
  'a LibriVox clip imported with a token from tella token completes and prints the note',
  async (t) => {
    t.equal(tokenRun.code, 0)
    const result = await as(['import', clip?.file as string, '--title', 'Sense and Sensibility'])
    t.equal(result.code, 0, result.stderr)

    jobId = /^Job (job_\w+) created/mu.exec(result.stdout)?.[1] ?? ''
    noteId = /^Note (note_\w+): Sense and Sensibility$/mu.exec(result.stdout)?.[1] ?? ''
    t.ok(jobId, 'the job id is printed')
    t.ok(noteId, "the note's id and title are printed")
    t.match(result.stdout, /^Summary:\n {2}\S.{10,}/mu, 'with its summary')

    const progress = [...result.stdout.matchAll(/^progress +(\d+)% +(.+)$/gmu)]
    const values = progress.map((match) => Number(match[1]))
    t.ok(values.length >= 3, `progress lines, not a redrawn bar: ${values}`)
    t.ok(
      values.every((value, index) => index === 0 || value >= (values[index - 1] as number)),
      `progress never goes back: ${values}`,
    )
    t.equal(values.at(-1), 100)
    t.equal(progress.at(-1)?.[2], 'completed')
    t.notMatch(result.stderr, /polling/, 'live updates came from the event stream')
  },
)

t.test(
  'jobs shows the import in a table, filters by status, and --json is the API page',
  async (t) => {
    const [table, failedOnly, json] = await Promise.all([
      as(['jobs']),
      as(['jobs', '--status', 'failed']),
      as(['jobs', '--json', '--sort', 'completedAt', '--order', 'asc']),
    ])
    t.equal(table.code, 0, table.stderr)
    const [header, row] = table.stdout.split('\n')
    t.match(header, /^ID +STATUS +PROGRESS +SOURCE +TITLE +CREATED$/)
    t.match(
      row,
      new RegExp(`^${jobId} +COMPLETED +100% +UPLOAD +\\S.* +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`),
    )
    t.match(table.stdout, /^1–1 of 1 jobs$/mu)

    t.equal(failedOnly.code, 0)
    t.equal(failedOnly.stdout.trim(), 'No jobs.')

    t.equal(json.code, 0)
    const page = JSON.parse(json.stdout)
    t.equal(page.jobs[0].id, jobId)
    t.equal(page.pagination.total, 1)
  },
)

t.test('show prints the job with its note; --json is the job as the API returns it', async (t) => {
  const [text, json] = await Promise.all([as(['show', jobId]), as(['show', jobId, '--json'])])
  t.equal(text.code, 0, text.stderr)
  t.match(text.stdout, new RegExp(`^Job +${jobId}$`, 'mu'))
  t.match(text.stdout, /^Status +COMPLETED \(100%, completed\)$/mu)
  t.match(text.stdout, new RegExp(`^Note +${noteId} `, 'mu'))
  t.equal(JSON.parse(json.stdout).noteId, noteId)
})

t.test(
  'note prints the timed transcript; --format srt and vtt are subtitle documents',
  async (t) => {
    const [note, srt, vtt, txt] = await Promise.all([
      as(['note', noteId]),
      as(['note', noteId, '--format', 'srt']),
      as(['note', noteId, '--format', 'vtt']),
      as(['note', noteId, '--format', 'txt']),
    ])
    t.equal(note.code, 0, note.stderr)
    t.match(note.stdout, /^Transcript:\n {2}\[\d+:\d\d\.\d → \d+:\d\d\.\d\] \S/mu)

    t.equal(srt.code, 0, srt.stderr)
    const srtCues = srt.stdout.trimEnd().split('\n\n')
    t.ok(srtCues.length >= 1)
    for (const [index, cue] of srtCues.entries()) {
      const [number, times, ...text] = cue.split('\n')
      t.equal(number, String(index + 1), 'cues are numbered from 1')
      t.ok(ordered(times, ','), `a valid SRT time line: ${times}`)
      t.ok(text.join(' ').trim().length > 0, 'each cue has text')
    }

    t.equal(vtt.code, 0, vtt.stderr)
    const [head = '', ...blocks] = vtt.stdout.trimEnd().split('\n\n')
    t.match(head, /^WEBVTT(?:[ \t]|$)/, 'the WebVTT signature comes first')
    const vttCues = blocks.filter((block) => block.includes('-->'))
    t.equal(vttCues.length, srtCues.length, 'the same cues as the SRT')
    for (const cue of vttCues) {
      // A cue may start with an identifier line; its timing line is the one with the arrow.
      const times = cue.split('\n').find((line) => line.includes('-->'))
      t.ok(ordered(times, '.'), `a valid WebVTT time line: ${times}`)
    }

    t.equal(txt.code, 0)
    t.ok(txt.stdout.trim().split(/\s+/u).length >= 3, 'the plain transcript has words')
  },
)

t.test('cancel of a finished job exits 1 with the JOB_NOT_CANCELLABLE message', async (t) => {
  const result = await as(['cancel', jobId])
  t.equal(result.code, 1)
  t.match(result.stderr, /already finished .* cannot be cancelled\. \[JOB_NOT_CANCELLABLE\]/)
  t.equal(result.stdout, '')
})

t.test('retry of a completed job exits 1 with the JOB_NOT_RETRYABLE message', async (t) => {
  const result = await as(['retry', jobId])
  t.equal(result.code, 1)
  t.match(result.stderr, /\[JOB_NOT_RETRYABLE\]/)
})

t.test('delete removes the job, and the note stays', async (t) => {
  const deleted = await as(['delete', jobId])
  t.equal(deleted.code, 0, deleted.stderr)
  t.match(deleted.stdout, `Job ${jobId} deleted`)
  const [show, note] = await Promise.all([as(['show', jobId]), as(['note', noteId])])
  t.equal(show.code, 1)
  t.match(show.stderr, /No such job for this user.* \[JOB_NOT_FOUND\]/)
  t.equal(note.code, 0, 'the note is still there')
})

t.test(
  'a file that is not audio fails with UNSUPPORTED_FORMAT and exit 4; retry re-runs it',
  async (t) => {
    const file = path.join(dir, 'lecture.mp3')
    await writeFile(file, 'These are typed notes, not a recording.\n'.repeat(50))
    const result = await as(['import', file])
    t.equal(result.code, 4, result.stdout)
    t.match(result.stderr, /^Job job_\w+ failed\.$/mu)
    t.match(result.stderr, /could not be decoded.* \[UNSUPPORTED_FORMAT\]/)
    t.match(result.stderr, /detail: Audio\/video format not supported/)

    const failedId = /^Job (job_\w+) failed/mu.exec(result.stderr)?.[1] as string
    const retried = await as(['retry', failedId, '--wait'])
    t.equal(retried.code, 4, 'the retried job fails again, for the same reason')
    t.match(retried.stdout, `Job ${failedId} retried from the download stage`)
    t.match(retried.stderr, /\[UNSUPPORTED_FORMAT\]/)
  },
)

t.test('Ctrl-C stops waiting, not the job; cancel then stops it', async (t) => {
  const clips = await librivoxClips()
  const recording = path.join(dir, 'two readings.wav')
  await concatenateClips([...clips, ...clips], recording, 1)

  const run = spawnTella(['import', recording], user)
  await waitFor(() => /^progress .*%/mu.test(run.stdout()), {
    timeoutMs: 30_000,
    what: 'the first progress line',
  })
  run.child.kill('SIGINT')
  const interrupted: TellaResult = await run.result
  t.equal(interrupted.code, 130)
  const id = /^Job (job_\w+) created/mu.exec(interrupted.stdout)?.[1] as string
  t.match(interrupted.stderr, `job ${id} keeps running`)
  t.match(interrupted.stderr, `cancel it: tella cancel ${id}`)

  const running = await as(['show', id, '--json'])
  t.match(JSON.parse(running.stdout).status, /^(PENDING|IN_PROGRESS)$/, 'the job still runs')
  const busy = await as(['delete', id])
  t.equal(busy.code, 1)
  t.match(busy.stderr, /still running: cancel it first.* \[JOB_ACTIVE\]/)

  const cancelled = await as(['cancel', id])
  t.equal(cancelled.code, 0, cancelled.stderr)
  t.match(cancelled.stdout, `Job ${id} cancelled.`)
  const shown = await as(['show', id])
  t.match(shown.stdout, /^Status +FAILED /mu)
  t.match(shown.stdout, /^Error +The job was cancelled\. \[CANCELLED\]$/mu)
})

t.test('API refusals print a sentence with the code and exit 1', async (t) => {
  const forged = signToken({ sub: 'user_cli' }, { secret: 'another-secret-of-enough-length' })
  const [badToken, notYoutube, noCourse, badLimit, badId] = await Promise.all([
    tella(['jobs'], { ...user, TELLA_TOKEN: forged }),
    as(['import', 'https://vimeo.com/123456']),
    as(['import', clip?.file as string, '--course', 'course_missing']),
    as(['jobs', '--limit', '500']),
    as(['show', 'not-a-job']),
  ])
  t.equal(badToken.code, 1)
  t.match(badToken.stderr, /The token was refused.* \[AUTH_INVALID\]/)
  t.equal(notYoutube.code, 1)
  t.match(notYoutube.stderr, /\[YOUTUBE_URL_[A-Z_]+\]/, 'a link goes to the YouTube import')
  t.equal(noCourse.code, 1)
  t.match(noCourse.stderr, /No such course .* \[COURSE_NOT_FOUND\]/)
  t.equal(badLimit.code, 1)
  t.match(badLimit.stderr, /\[INVALID_QUERY\]\n {2}detail: .*limit/)
  t.equal(badId.code, 1)
  t.match(badId.stderr, /\[INVALID_JOB_ID\]/)
})

/**
 * Whether a cue's timing line parses (`[hh:]mm:ss<separator>mmm --> …`, hours optional as
 * WebVTT allows) and starts no later than it ends.
 */
function ordered(line: string | undefined, separator: ',' | '.'): boolean {
  const dot = separator === '.' ? '\\.' : ','
  const time = `(?:(\\d{2,}):)?(\\d\\d):(\\d\\d)${dot}(\\d{3})`
  const match = new RegExp(`^${time} --> ${time}(?: .*)?$`, 'u').exec(line ?? '')
  if (!match) return false
  const seconds = (parts: string[]) => {
    const [h = '0', m = '0', s = '0', ms = '0'] = parts
    return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000
  }
  return seconds(match.slice(1, 5)) <= seconds(match.slice(5, 9))
}
