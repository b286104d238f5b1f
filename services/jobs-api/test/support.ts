import { randomBytes } from 'node:crypto'
import {
  bearer,
  createTestDatabase,
  type NatsServer,
  startNatsServer,
  type TestDatabase,
  testJwtSecret,
  waitFor,
} from '@tella/test-support'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { buildApp } from '../src/app.ts'
import { type JobsApiSettings, loadJobsApiSettings } from '../src/config.ts'
import { createDatabase } from '../src/db/database.ts'
import type { Database, JobStageValue, JobStatusValue } from '../src/db/schema.ts'
import { newId } from '../src/jobs/ids.ts'

export * from './shapes.ts'

/** The app under test, its private database and NATS server, and a handle to seed rows. */
export interface Api {
  app: FastifyInstance
  db: Kysely<Database>
  database: TestDatabase
  nats: NatsServer
  request(method: Method, url: string, options?: RequestOptions): Promise<Answer>
  close(): Promise<void>
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  /** The caller's user id; a valid token for it is sent. Omit to send no credentials. */
  as?: string
  headers?: Record<string, string>
  payload?: unknown
}

export interface Answer {
  status: number
  contentType: string
  headers: Record<string, string | string[] | number | undefined>
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  body: any
}

/**
 * Builds jobs-api against a private database and a private NATS server, as a test file's
 * fixture; `close` releases all three and is safe to call twice.
 */
export async function startApi(settings: Partial<JobsApiSettings> = {}): Promise<Api> {
  const [database, nats] = await Promise.all([createTestDatabase(), startNatsServer()])
  // Defaults come from the real settings schema, so settings added later need no change here.
  const defaults = loadJobsApiSettings({
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    JWT_SECRET: testJwtSecret,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  })
  let app: FastifyInstance | undefined
  try {
    app = await buildApp({ ...defaults, ...settings }, { logger: false })
    await app.ready()
  } catch (error) {
    await app?.close()
    await nats.stop()
    await database.drop()
    throw error
  }
  const { db } = createDatabase(database.url, 2)

  let closed: Promise<void> | undefined
  const built = app
  return {
    app,
    db,
    database,
    nats,
    request: (method, url, options = {}) => send(built, method, url, options),
    close() {
      closed ??= (async () => {
        await built.close()
        await db.destroy()
        await Promise.all([nats.stop(), database.drop()])
      })()
      return closed
    },
  }
}

async function send(
  app: FastifyInstance,
  method: Method,
  url: string,
  options: RequestOptions,
): Promise<Answer> {
  const headers = { ...(options.as ? bearer(options.as) : {}), ...options.headers }
  const response = await app.inject({
    method,
    url,
    headers,
    ...(options.payload === undefined ? {} : { payload: options.payload as string }),
  })
  const contentType = String(response.headers['content-type'] ?? '')
  const body = contentType.startsWith('application/json') ? response.json() : response.body
  return { status: response.statusCode, contentType, headers: response.headers, body }
}

/** A user id no other test uses. */
export function newUser(): string {
  return `user_${randomBytes(6).toString('hex')}`
}

export interface JobSeed {
  userId: string
  status?: JobStatusValue
  source?: 'YOUTUBE' | 'UPLOAD'
  title?: string
  progress?: number
  stage?: JobStageValue
  createdAt?: Date
  updatedAt?: Date
  completedAt?: Date | null
  noteId?: string | null
  courseId?: string | null
  errorCode?: string | null
  errorMessage?: string | null
}

const defaultStage: Record<JobStatusValue, JobStageValue> = {
  PENDING: 'download',
  IN_PROGRESS: 'transcribe',
  COMPLETED: 'note',
  FAILED: 'download',
}

/** Inserts a job as the pipeline would have left it; returns its id. */
export async function seedJob(db: Kysely<Database>, seed: JobSeed): Promise<string> {
  const id = newId('job')
  const status = seed.status ?? 'PENDING'
  const createdAt = seed.createdAt ?? new Date()
  const updatedAt = seed.updatedAt ?? createdAt
  const completedAt = seed.completedAt !== undefined ? seed.completedAt : null
  const noteTitle = seed.title ?? 'Biology Lecture 5'
  await db
    .insertInto('jobs')
    .values({
      id,
      user_id: seed.userId,
      title: `Processing: ${noteTitle}`,
      note_title: noteTitle,
      status,
      progress: seed.progress ?? (status === 'COMPLETED' ? 100 : 0),
      source: seed.source ?? 'YOUTUBE',
      stage: seed.stage ?? defaultStage[status],
      attempt: 1,
      error_code: seed.errorCode ?? null,
      error_message: seed.errorMessage ?? null,
      note_id: seed.noteId ?? null,
      course_id: seed.courseId ?? null,
      created_at: createdAt,
      updated_at: updatedAt,
      completed_at: completedAt,
    })
    .execute()
  return id
}

export interface CourseSeed {
  userId: string
  name?: string
  color?: string | null
  emoji?: string | null
}

export async function seedCourse(db: Kysely<Database>, seed: CourseSeed): Promise<string> {
  const id = newId('course')
  await db
    .insertInto('courses')
    .values({
      id,
      user_id: seed.userId,
      name: seed.name ?? 'Biology 101',
      color: seed.color === undefined ? 'green' : seed.color,
      emoji: seed.emoji === undefined ? '🧬' : seed.emoji,
    })
    .execute()
  return id
}

export interface NoteSeed {
  userId: string
  jobId?: string | null
  courseId?: string | null
  title?: string
  createdAt?: Date
  updatedAt?: Date
  /** Replaces the default two-segment transcript. */
  transcript?: { text: string; segments: Array<{ start: number; end: number; text: string }> }
}

/** A finished note with a two-segment transcript; linked to `jobId` both ways when given. */
export async function seedNote(db: Kysely<Database>, seed: NoteSeed): Promise<string> {
  const id = newId('note')
  const createdAt = seed.createdAt ?? new Date('2024-01-15T10:03:45.000Z')
  const transcript = seed.transcript ?? {
    text: 'Cells divide. They divide again.',
    segments: [
      { start: 0, end: 1.5, text: 'Cells divide.' },
      { start: 1.5, end: 3.25, text: 'They divide again.' },
    ],
  }
  await db
    .insertInto('notes')
    .values({
      id,
      user_id: seed.userId,
      job_id: seed.jobId ?? null,
      course_id: seed.courseId ?? null,
      title: seed.title ?? 'Biology Lecture 5',
      status: 'COMPLETED',
      duration_sec: 3600,
      file_size: 45_678_901,
      mime_type: 'video/mp4',
      summary: 'This lecture covers cell division processes including mitosis and meiosis.',
      key_points: JSON.stringify(['Mitosis makes two cells', 'Meiosis makes four']),
      transcript_text: transcript.text,
      transcript_segments: JSON.stringify(transcript.segments),
      transcript_empty: transcript.text.trim() === '',
      date: '2024-01-15',
      created_at: createdAt,
      updated_at: seed.updatedAt ?? createdAt,
    })
    .execute()
  if (seed.jobId) {
    await db.updateTable('jobs').set({ note_id: id }).where('id', '=', seed.jobId).execute()
  }
  return id
}

/** Waits until the relay has published every committed outbox row. */
export async function outboxDrained(db: Kysely<Database>): Promise<void> {
  await waitFor(
    async () => {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('rows'))
        .executeTakeFirstOrThrow()
      return Number(row.rows) === 0
    },
    { timeoutMs: 10_000, what: 'the outbox relay to publish every row' },
  )
}
