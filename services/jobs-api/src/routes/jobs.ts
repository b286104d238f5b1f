import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CodedError,
  ErrorBody,
  envelope,
  Job,
  JobList,
  JobStats,
  ListJobsQuery,
  MessageBody,
} from '@tella/contracts'
import Type from 'typebox'
import type { JobQueries } from '../jobs/job-queries.ts'
import type { JobWrites } from '../pipeline/job-writes.ts'
import { paginationOf } from './pagination.ts'

export interface JobRoutesOptions {
  queries: JobQueries
  writes: JobWrites
}

const JobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{1,64}$' }) })
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody, 503: ErrorBody }

/**
 * The read routes build their answers field by field in the documented shape (job-view.ts),
 * so plain JSON.stringify writes exactly what the schema says. fast-json-stringify would check
 * every nullable note and course against its schema again (an anyOf, run through ajv): three
 * times the cost of JSON.stringify for a page of jobs (bench/api-floor.ts). The schemas
 * stay: they document the routes in the OpenAPI document.
 */
const plainJson = () => (data: unknown) => JSON.stringify(data)

/** The reference's Jobs API: stats, list, get, cancel and delete, all scoped to the caller. */
export const jobRoutes: FastifyPluginAsyncTypebox<JobRoutesOptions> = async (app, options) => {
  const { queries, writes } = options

  app.get(
    '/api/jobs/stats',
    {
      config: { failureMessage: 'Failed to fetch statistics' },
      serializerCompiler: plainJson,
      schema: { response: { 200: envelope(JobStats), ...errors } },
    },
    async (request) => ({ success: true as const, data: await queries.stats(request.userId) }),
  )

  app.get(
    '/api/jobs',
    {
      config: { failureMessage: 'Failed to fetch jobs' },
      serializerCompiler: plainJson,
      schema: { querystring: ListJobsQuery, response: { 200: envelope(JobList), ...errors } },
    },
    async (request) => {
      const query = request.query
      const { jobs, total } = await queries.listJobs(request.userId, query)
      const pagination = paginationOf(query, jobs.length, total)
      return { success: true as const, data: { jobs, pagination } }
    },
  )

  app.get(
    '/api/jobs/:id',
    {
      config: { failureMessage: 'Failed to fetch job', invalidIdCode: 'INVALID_JOB_ID' },
      serializerCompiler: plainJson,
      schema: { params: JobIdParams, response: { 200: envelope(Job), ...errors } },
    },
    async (request) => {
      const job = await queries.findJob(request.userId, request.params.id)
      if (!job) throw new CodedError('JOB_NOT_FOUND')
      return { success: true as const, data: job }
    },
  )

  app.post(
    '/api/jobs/:id/cancel',
    {
      config: { failureMessage: 'Failed to cancel job', invalidIdCode: 'INVALID_JOB_ID' },
      schema: { params: JobIdParams, response: { 200: MessageBody, ...errors } },
    },
    async (request) => {
      const job = await writes.cancel(request.userId, request.params.id)
      request.log.info({ jobId: job.id, userId: request.userId }, 'job cancelled')
      return { success: true as const, message: 'Job cancelled successfully' }
    },
  )

  app.delete(
    '/api/jobs/:id',
    {
      config: { failureMessage: 'Failed to delete job', invalidIdCode: 'INVALID_JOB_ID' },
      schema: { params: JobIdParams, response: { 200: MessageBody, ...errors } },
    },
    async (request) => {
      await writes.delete(request.userId, request.params.id)
      request.log.info({ jobId: request.params.id, userId: request.userId }, 'job deleted')
      return { success: true as const, message: 'Job deleted successfully' }
    },
  )
}
