import Type, { type Static, type TSchema } from 'typebox'
import { Course, Pagination } from './http.ts'
import { PageLimit, PageOffset } from './http-notes.ts'

/**
 * Shapes of the Courses API. A course is the reference's `{ id, name, color, emoji }`; the
 * API adds its timestamps.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** The named colors a course may have, as the reference's "green"; any `#rrggbb` also works. */
export const courseColorNames = [
  'red',
  'orange',
  'yellow',
  'green',
  'teal',
  'blue',
  'indigo',
  'purple',
  'pink',
  'gray',
] as const

export const courseNameMaxLength = 100

/**
 * The name as sent. It is trimmed and single-spaced before it is checked for 1 to
 * `courseNameMaxLength` characters, so the raw bound only keeps absurd bodies out.
 */
export const CourseName = Type.String({ minLength: 1, maxLength: 2 * courseNameMaxLength })

export const CourseColor = Type.String({
  pattern: `^(?:${courseColorNames.join('|')}|#[0-9A-Fa-f]{6})$`,
})

/** One emoji (a single grapheme, ZWJ sequences and flags included); checked by the API. */
export const CourseEmoji = Type.String({ minLength: 1, maxLength: 32 })

export const CreateCourseBody = Type.Object(
  {
    name: CourseName,
    color: Type.Optional(Nullable(CourseColor)),
    emoji: Type.Optional(Nullable(CourseEmoji)),
  },
  { additionalProperties: false },
)
export type CreateCourseBody = Static<typeof CreateCourseBody>

/** What `PATCH /api/courses/:id` may change; at least one field, null clears color or emoji. */
export const UpdateCourseBody = Type.Object(
  {
    name: Type.Optional(CourseName),
    color: Type.Optional(Nullable(CourseColor)),
    emoji: Type.Optional(Nullable(CourseEmoji)),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateCourseBody = Static<typeof UpdateCourseBody>

export const CourseDetail = Type.Object({
  ...Course.properties,
  /** Added. */
  createdAt: Type.String({ format: 'date-time' }),
  /** Added. */
  updatedAt: Type.String({ format: 'date-time' }),
})
export type CourseDetail = Static<typeof CourseDetail>

export const CourseList = Type.Object({
  courses: Type.Array(CourseDetail),
  pagination: Pagination,
})
export type CourseList = Static<typeof CourseList>

/** Courses list alphabetically by default: the order a course picker shows. */
export const ListCoursesQuery = Type.Object(
  {
    limit: PageLimit,
    offset: PageOffset,
    sortBy: Type.Union(
      [Type.Literal('name'), Type.Literal('createdAt'), Type.Literal('updatedAt')],
      { default: 'name' },
    ),
    sortOrder: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
  },
  { additionalProperties: false },
)
export type ListCoursesQuery = Static<typeof ListCoursesQuery>
