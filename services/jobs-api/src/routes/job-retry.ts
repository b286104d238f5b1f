import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, envelope, Job } from '@tella/contracts'
import Type from 'typebox'
import type { JobWrites } from '../pipeline/job-writes.ts'

const JobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{1,64}$' }) })

/** Re-runs a failed job from the stage that failed; answers 202 with the job, PENDING again. */
export const jobRetryRoutes: FastifyPluginAsyncTypebox<{ writes: JobWrites }> = async (
  app,
  options,
) => {
  app.post(
    '/api/jobs/:id/retry',
    {
      config: { failureMessage: 'Failed to retry job', invalidIdCode: 'INVALID_JOB_ID' },
      schema: {
        params: JobIdParams,
        response: {
          202: envelope(Job),
          400: ErrorBody,
          401: ErrorBody,
          404: ErrorBody,
          429: ErrorBody,
          500: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const job = await options.writes.retry(request.userId, request.params.id)
      request.log.info({ jobId: job.id, userId: request.userId, stage: job.stage }, 'job retried')
      return reply.code(202).send({ success: true as const, data: job })
    },
  )
}
