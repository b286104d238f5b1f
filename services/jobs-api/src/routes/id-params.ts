import Type from 'typebox'

/**
 * `:id` path parameters of the Notes and Courses APIs. An id that does not match answers
 * the route's `invalidIdCode` (INVALID_NOTE_ID, INVALID_COURSE_ID) before any query runs.
 */
export const NoteIdParams = Type.Object({
  id: Type.String({ pattern: '^note_[A-Za-z0-9]{1,64}$' }),
})

export const CourseIdParams = Type.Object({
  id: Type.String({ pattern: '^course_[A-Za-z0-9]{1,64}$' }),
})
