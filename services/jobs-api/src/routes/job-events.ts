import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CodedError, ErrorBody, type Job } from '@tella/contracts'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { type JobFeed, jobVersion } from '../jobs/job-feed.ts'

export interface JobEventsOptions {
  feed: JobFeed
  /** How often a stream looks for changes. */
  pollMs: number
}

const JobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{1,64}$' }) })
const heartbeatMs = 15_000
/** A reconnecting client also gets jobs that changed shortly before its last event. */
const resumeMarginMs = 5_000

/**
 * Server-sent events of the caller's jobs, for live progress bars. Each event is the job in
 * its API shape, named after what changed (`status`, `stage` or `progress`). Streams are
 * state, not logs: a client that reconnects with `Last-Event-ID` gets the current state of
 * what changed, never a replay of every tick.
 *
 * Limitation: each stream polls Postgres every `pollMs`; at thousands of open streams a
 * LISTEN/NOTIFY fan-out per replica would cost less.
 */
export const jobEventRoutes: FastifyPluginAsyncTypebox<JobEventsOptions> = async (app, options) => {
  const { feed, pollMs } = options
  const openStreams = new Set<() => void>()
  // Hijacked responses are invisible to Fastify's close: end them so shutdown is prompt.
  app.addHook('preClose', async () => {
    for (const end of openStreams) end()
  })
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody, 503: ErrorBody }

  app.get(
    '/api/jobs/:id/events',
    {
      config: { failureMessage: 'Failed to stream job', invalidIdCode: 'INVALID_JOB_ID' },
      schema: { params: JobIdParams, response: errors },
    },
    async (request, reply) => {
      const { userId } = request
      const first = await feed.job(userId, request.params.id)
      if (!first) throw new CodedError('JOB_NOT_FOUND')
      const stream = openStream(request, reply.raw, openStreams)
      reply.hijack()

      let last: Job | null = lastEventId(request) === jobVersion(first) ? first : null
      try {
        while (stream.open) {
          const job = await feed.job(userId, request.params.id)
          if (!job) break
          if (!last || jobVersion(job) !== jobVersion(last)) stream.send(job, last, jobVersion(job))
          last = job
          if (job.status === 'COMPLETED' || job.status === 'FAILED') break
          await stream.wait(pollMs)
        }
      } catch (error) {
        request.log.warn({ err: error, userId }, 'job stream ended by an error')
      } finally {
        stream.close()
      }
    },
  )

  app.get(
    '/api/jobs/events',
    { config: { failureMessage: 'Failed to stream jobs' }, schema: { response: errors } },
    async (request, reply) => {
      const { userId } = request
      const resumeFrom = Number(lastEventId(request))
      let since = new Date(
        Number.isFinite(resumeFrom) && resumeFrom > 0 ? resumeFrom - resumeMarginMs : Date.now(),
      )
      const stream = openStream(request, reply.raw, openStreams)
      reply.hijack()

      const sent = new Map<string, Job>()
      try {
        while (stream.open) {
          const checkedAt = new Date()
          for (const job of await feed.activeOrChangedSince(userId, since)) {
            const previous = sent.get(job.id) ?? null
            if (previous && jobVersion(previous) === jobVersion(job)) continue
            stream.send(job, previous, String(checkedAt.getTime()))
            sent.set(job.id, job)
          }
          since = new Date(checkedAt.getTime() - pollMs)
          await stream.wait(pollMs)
        }
      } catch (error) {
        request.log.warn({ err: error, userId }, 'jobs stream ended by an error')
      } finally {
        stream.close()
      }
    },
  )
}

function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id']
  return typeof header === 'string' ? header : undefined
}

/** The SSE framing of one response: events, heartbeats, and knowing when the client left. */
function openStream(request: FastifyRequest, raw: ServerResponse, registry: Set<() => void>) {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  raw.write('retry: 2000\n\n')
  let open = true
  let wakeUp: (() => void) | undefined
  const onClose = () => {
    open = false
    wakeUp?.()
  }
  request.raw.on('close', onClose)
  registry.add(onClose)
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs)

  return {
    get open() {
      return open && !raw.destroyed
    },
    send(job: Job, previous: Job | null, id: string) {
      const name =
        !previous || previous.status !== job.status
          ? 'status'
          : previous.stage !== job.stage
            ? 'stage'
            : 'progress'
      raw.write(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(job)}\n\n`)
    },
    wait(ms: number) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        wakeUp = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    },
    close() {
      clearInterval(heartbeat)
      request.raw.off('close', onClose)
      registry.delete(onClose)
      if (!raw.writableEnded) raw.end()
    },
  }
}
