import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** Kysely's view of the tables created by `db/migrations`. */
export interface Database {
  courses: CoursesTable
  jobs: JobsTable
  notes: NotesTable
  outbox: OutboxTable
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface CoursesTable {
  id: string
  user_id: string
  name: string
  color: string | null
  emoji: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export type JobStatusValue = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'
export type JobStageValue = 'download' | 'transcribe' | 'summarize' | 'note'

export interface JobsTable {
  id: string
  user_id: string
  title: string
  /** Title the note will get; from the request, the file name or the video. */
  note_title: string
  status: JobStatusValue
  progress: number
  source: 'YOUTUBE' | 'UPLOAD'
  stage: JobStageValue
  /** Fencing token: bumped whenever a stage command is issued. */
  attempt: number
  error_code: string | null
  error_message: string | null
  note_id: string | null
  course_id: string | null
  source_url: string | null
  file_name: string | null
  duration_sec: number | null
  file_size: number | null
  mime_type: string | null
  /** Transcript between the transcribe and note stages; cleared once the note has it. */
  transcript: ColumnType<unknown, string | null | undefined, string | null> | null
  idempotency_key: string | null
  /** The user named the import; the source's own title must not replace it. */
  title_from_user: ColumnType<boolean, boolean | undefined, boolean>
  /** YYYY-MM-DD the source gives (a video's upload date); the note's date when present. */
  source_date: string | null
  created_at: Timestamp
  updated_at: Timestamp
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface NotesTable {
  id: string
  user_id: string
  job_id: string | null
  course_id: string | null
  title: string
  status: string
  duration_sec: number | null
  file_size: number | null
  mime_type: string | null
  summary: string | null
  key_points: ColumnType<string[], string, string>
  transcript_text: string
  transcript_segments: ColumnType<unknown, string, string>
  transcript_empty: boolean
  date: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export type OutboxKind = 'publish' | 'purge-media'

export interface OutboxTable {
  /** bigserial, read as a number (`db/database.ts`). */
  id: Generated<number>
  kind: OutboxKind
  subject: string
  payload: ColumnType<unknown, string, string>
  msg_id: string
  created_at: Timestamp
  /** The relay leaves the row alone until then: its writer is publishing it (fast path). */
  dispatch_after: Timestamp
}

export type JobRow = Selectable<JobsTable>
export type NewJob = Insertable<JobsTable>
export type NoteRow = Selectable<NotesTable>
export type CourseRow = Selectable<CoursesTable>
