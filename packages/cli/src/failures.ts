import type { Job } from '@tella/contracts'

/**
 * Exit statuses of `tella`. Scripts branch on these: a usage mistake is fixed by editing the
 * command line, an unreachable API by starting jobs-api, a refusal by reading its code.
 */
export const exitCodes = {
  ok: 0,
  /** The API answered with an error code (or something unexpected broke). */
  refused: 1,
  /** Bad arguments, flags or settings: nothing was sent. */
  usage: 2,
  /** jobs-api could not be reached or answered something that is not the Jobs API. */
  unreachable: 3,
  /** The job that was waited on ended FAILED. */
  jobFailed: 4,
  /** Ctrl-C while waiting; the job keeps running. */
  interrupted: 130,
} as const

/** A command line or a setting that cannot work; the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The API refused a request with `{ success: false, error, code }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: string
  readonly status: number

  constructor(code: string, serverMessage: string, status: number) {
    super(serverMessage)
    this.code = code
    this.status = status
  }
}

/** No answer from jobs-api, or an answer that is not the Jobs API's. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError'
  readonly url: string

  constructor(url: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.url = url
  }
}

/** The job that was waited on ended FAILED; its code and message are on `job`. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError'
  readonly job: Job

  constructor(job: Job) {
    super(job.errorMessage ?? 'the job failed')
    this.job = job
  }
}

/** Ctrl-C ended a wait; the message says how to cancel what is still running. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError'
}
