import type { Job } from '@tella/contracts'
import { exitCodes } from '../failures.ts'
import { shortDate, truncate } from '../output/output.ts'
import { renderTable } from '../output/table.ts'
import { type Command, choiceOption, stringOption } from './command.ts'

interface JobPage {
  jobs: Job[]
  pagination: { total: number; offset: number; hasMore: boolean; nextOffset: number | null }
}

const statuses = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const
const sources = ['YOUTUBE', 'UPLOAD'] as const
const sorts = ['createdAt', 'updatedAt', 'completedAt'] as const
const orders = ['asc', 'desc'] as const

export const jobsCommand: Command = {
  name: 'jobs',
  synopsis: 'jobs',
  summary: 'list your import jobs',
  positionals: [],
  options: {
    status: { type: 'string' },
    source: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    sort: { type: 'string' },
    order: { type: 'string' },
    json: { type: 'boolean' },
  },
  usesApi: true,
  help: `Lists your jobs, newest first, as a table.

Options:
  --status <s>    ${statuses.join(', ')}
  --source <s>    ${sources.join(', ')}
  --limit <n>     1 to 100 (default 20)
  --offset <n>    skip this many (default 0)
  --sort <field>  ${sorts.join(', ')} (default createdAt)
  --order <o>     asc or desc (default desc)
  --json          the page as the API returns it
  --token <jwt>   bearer token (default: TELLA_TOKEN)`,

  async run(context, values) {
    const query = new URLSearchParams()
    const add = (name: string, value: string | undefined) => {
      if (value !== undefined) query.set(name, value)
    }
    add('status', choiceOption(values, 'status', statuses))
    add('source', choiceOption(values, 'source', sources))
    add('limit', stringOption(values, 'limit'))
    add('offset', stringOption(values, 'offset'))
    add('sortBy', choiceOption(values, 'sort', sorts))
    add('sortOrder', choiceOption(values, 'order', orders))
    const search = query.size > 0 ? `?${query}` : ''
    const page = await context.api().call<JobPage>('GET', `/api/jobs${search}`)

    const { output } = context
    if (values.json) {
      output.out(JSON.stringify(page, null, 2))
      return exitCodes.ok
    }
    if (page.jobs.length === 0) {
      output.out(page.pagination.total === 0 ? 'No jobs.' : 'No jobs on this page.')
      return exitCodes.ok
    }
    for (const line of renderTable(headers, page.jobs.map(jobRow))) output.out(line)
    const { offset, total, nextOffset } = page.pagination
    output.out('')
    output.out(`${offset + 1}–${offset + page.jobs.length} of ${total} jobs`)
    if (nextOffset !== null) output.out(`More: tella jobs --offset ${nextOffset}`)
    return exitCodes.ok
  },
}

const headers = ['ID', 'STATUS', 'PROGRESS', 'SOURCE', 'TITLE', 'CREATED']

function jobRow(job: Job): string[] {
  const status = job.status === 'FAILED' && job.errorCode ? `FAILED ${job.errorCode}` : job.status
  return [
    job.id,
    status,
    `${Math.round(job.progress)}%`,
    job.source,
    truncate(job.title, 40),
    shortDate(job.createdAt),
  ]
}
