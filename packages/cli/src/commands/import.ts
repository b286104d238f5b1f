import { constants, openAsBlob } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Job } from '@tella/contracts'
import { UsageError } from '../failures.ts'
import { type Command, stringOption } from './command.ts'
import { followJob } from './follow.ts'

const schemePattern = /^[a-z][a-z\d+.-]*:\/\//iu
const youtubeHostPattern = /^(?:[a-z]+\.)?(?:youtube\.com|youtube-nocookie\.com|youtu\.be)\//iu

export const importCommand: Command = {
  name: 'import',
  synopsis: 'import <file|youtube-url>',
  summary: 'upload a recording or import a YouTube video, and wait for its note',
  positionals: ['file|youtube-url'],
  options: { course: { type: 'string' }, title: { type: 'string' } },
  usesApi: true,
  help: `Starts an import and shows its progress until the note is ready, then prints the
note's title and summary. A file is streamed from disk; a link (https://…, youtu.be/…)
goes to the YouTube import and the server decides whether it is a video.

Options:
  --course <id>   file the note under one of your courses
  --title <text>  the note's title (default: from the file name or the video)
  --token <jwt>   bearer token (default: TELLA_TOKEN)

Ctrl-C stops waiting; the job keeps running (tella cancel <job-id> stops it).
Exit status: 0 completed, 4 the job failed (its code is printed), 1 refused, 3 unreachable.`,

  async run(context, values, [source = '']) {
    const api = context.api()
    const title = stringOption(values, 'title')
    const courseId = stringOption(values, 'course')

    let job: Job
    if (await isLink(source)) {
      job = await api.call<Job>('POST', '/api/imports/youtube', {
        body: { url: source, ...(title ? { title } : {}), ...(courseId ? { courseId } : {}) },
      })
    } else {
      const form = new FormData()
      if (title) form.append('title', title)
      if (courseId) form.append('courseId', courseId)
      // A file-backed Blob: fetch streams it from disk as the body is sent.
      form.append('file', await openFile(source), path.basename(source))
      job = await api.call<Job>('POST', '/api/imports/upload', { body: form, timeoutMs: null })
    }

    context.output.out(`Job ${job.id} created: ${job.title}`)
    return followJob(api, context.output, job)
  },
}

/** A link unless it is a file that exists; schemeless YouTube hosts count as links too. */
async function isLink(source: string): Promise<boolean> {
  if (schemePattern.test(source)) return true
  if (!youtubeHostPattern.test(source)) return false
  return !(await stat(source).then(
    () => true,
    () => false,
  ))
}

async function openFile(file: string): Promise<Blob> {
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new UsageError(`${file} is not a file`)
    // openAsBlob opens nothing yet; a file we may not read must fail here, not mid-upload.
    await access(file, constants.R_OK)
    return await openAsBlob(file)
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`no such file: ${file}`)
    if (code === 'EACCES') throw new UsageError(`cannot read ${file}: permission denied`)
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }
}
