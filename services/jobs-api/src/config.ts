import { loadConfig, StageDeliverySettings, streamDuplicateWindowMs } from '@tella/platform'
import Type, { type Static } from 'typebox'

export const JobsApiSettings = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/test' }),
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  JWT_SECRET: Type.String({ minLength: 16 }),
  /** Largest accepted upload in bytes; 2 GiB covers a long lecture video. */
  UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1, default: 2 * 1024 ** 3 }),
  MAX_ACTIVE_JOBS_PER_USER: Type.Integer({ minimum: 1, default: 5 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
  /** How often a server-sent event stream looks for job changes. */
  SSE_POLL_MS: Type.Integer({ minimum: 50, default: 500 }),
  /**
   * How long the outbox relay leaves alone the rows jobs-api publishes itself right after
   * their commit (the fast path); it sends those still there afterwards (a crash, NATS away).
   * A fifth of the streams' duplicate window at most (the cancellation bucket's is the
   * server's default, 2 minutes), so a row sent by both is stored once.
   */
  OUTBOX_HOLD_MS: Type.Integer({
    minimum: 100,
    maximum: streamDuplicateWindowMs / 5,
    default: 15_000,
  }),
  /** Milliseconds SIGTERM waits for requests and folding to finish. */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 20_000 }),
  ...StageDeliverySettings.properties,
})
export type JobsApiSettings = Static<typeof JobsApiSettings>

export function loadJobsApiSettings(env = process.env): JobsApiSettings {
  return loadConfig(JobsApiSettings, env)
}
