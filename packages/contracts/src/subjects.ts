/**
 * Every JetStream name the services share. Workers and jobs-api create these idempotently at
 * start (see `ensureTopology` in @tella/platform), so any service may start first.
 */
export const stages = ['download', 'transcribe', 'summarize'] as const
export type Stage = (typeof stages)[number]

export const streams = {
  /** Work-queue stream: one command per stage run, consumed by exactly one worker. */
  commands: 'IMPORTS_COMMANDS',
  /** Work-queue stream: progress and results from workers, folded by jobs-api. */
  events: 'IMPORTS_EVENTS',
  /** Limits stream kept for subscribers: one message per job lifecycle transition. */
  lifecycle: 'IMPORTS_LIFECYCLE',
} as const

export const subjects = {
  command: (stage: Stage) => `imports.cmd.${stage}`,
  commandsWildcard: 'imports.cmd.>',
  event: (stage: Stage, kind: StageEventKind) => `imports.events.${stage}.${kind}`,
  eventsWildcard: 'imports.events.>',
  /** `imports.lifecycle.<type>.<user token>.<job id>`; see docs/events.md. */
  lifecycle: (type: LifecycleType, userId: string, jobId: string) =>
    `imports.lifecycle.${type}.${subjectToken(userId)}.${jobId}`,
  lifecycleWildcard: 'imports.lifecycle.>',
} as const

export type StageEventKind = 'progress' | 'completed' | 'failed'

export const lifecycleTypes = [
  'created',
  'started',
  'completed',
  'failed',
  'cancelled',
  'deleted',
  'retried',
] as const
export type LifecycleType = (typeof lifecycleTypes)[number]

/** Durable consumer names; replicas of one service share one. */
export const consumers = {
  worker: (stage: Stage) => `worker-${stage}`,
  jobsApi: 'jobs-api-events',
} as const

export const buckets = {
  /** Object store for uploads, extracted audio and transcripts, keyed by job id. */
  media: 'imports-media',
  /** Key-value bucket: a key per cancelled job id, watched by every worker. */
  cancellations: 'imports-cancellations',
} as const

export const objectKeys = {
  upload: (jobId: string) => `${jobId}/upload`,
  audio: (jobId: string) => `${jobId}/audio.wav`,
  transcript: (jobId: string) => `${jobId}/transcript.json`,
} as const

/**
 * Makes any user id safe as one subject token: NATS tokens may not contain `.`, `*`, `>` or
 * whitespace, and user ids come from JWTs we do not control (emails, URNs). Characters outside
 * `[A-Za-z0-9_-]` become `~` and their hex code, so the mapping is reversible and collision
 * free.
 *
 * @example
 * subjectToken('ada@uni.edu') // 'ada~40uni~2eedu'
 */
export function subjectToken(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/gu, (char) => {
    const hex = Array.from(new TextEncoder().encode(char), (byte) =>
      byte.toString(16).padStart(2, '0'),
    )
    return hex.map((pair) => `~${pair}`).join('')
  })
}
