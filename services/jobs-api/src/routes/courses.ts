import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CodedError,
  CourseDetail,
  CourseList,
  CreateCourseBody,
  ErrorBody,
  envelope,
  ListCoursesQuery,
  MessageBody,
  UpdateCourseBody,
} from '@tella/contracts'
import type { CourseStore } from '../courses/course-store.ts'
import { strictBodyValidator } from '../plugins/strict-body.ts'
import { CourseIdParams } from './id-params.ts'
import { paginationOf } from './pagination.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody, 503: ErrorBody }
const bodyErrors = { ...errors, 413: ErrorBody, 415: ErrorBody }

/** A course field refused by length or pattern answers its own code, not INVALID_BODY. */
const courseFieldCodes = {
  '/name': 'COURSE_NAME_INVALID',
  '/color': 'COURSE_COLOR_INVALID',
  '/emoji': 'COURSE_EMOJI_INVALID',
} as const

/**
 * The caller's courses: create, list, get, update and delete. Another user's course answers
 * 404 like one that never existed. Deleting a course keeps its notes and jobs, unfiled.
 */
export const courseRoutes: FastifyPluginAsyncTypebox<{ courses: CourseStore }> = async (
  app,
  options,
) => {
  const { courses } = options

  app.post(
    '/api/courses',
    {
      config: { failureMessage: 'Failed to create course', bodyFieldCodes: courseFieldCodes },
      validatorCompiler: strictBodyValidator,
      schema: { body: CreateCourseBody, response: { 201: envelope(CourseDetail), ...bodyErrors } },
    },
    async (request, reply) => {
      const course = await courses.create(request.userId, request.body)
      request.log.info({ courseId: course.id, userId: request.userId }, 'course created')
      return reply.code(201).send({ success: true as const, data: course })
    },
  )

  app.get(
    '/api/courses',
    {
      config: { failureMessage: 'Failed to fetch courses' },
      schema: { querystring: ListCoursesQuery, response: { 200: envelope(CourseList), ...errors } },
    },
    async (request) => {
      const { query } = request
      const page = await courses.list(request.userId, query)
      const pagination = paginationOf(query, page.courses.length, page.total)
      return { success: true as const, data: { courses: page.courses, pagination } }
    },
  )

  app.get(
    '/api/courses/:id',
    {
      config: { failureMessage: 'Failed to fetch course', invalidIdCode: 'INVALID_COURSE_ID' },
      schema: { params: CourseIdParams, response: { 200: envelope(CourseDetail), ...errors } },
    },
    async (request) => {
      const course = await courses.find(request.userId, request.params.id)
      if (!course) throw new CodedError('COURSE_NOT_FOUND')
      return { success: true as const, data: course }
    },
  )

  app.patch(
    '/api/courses/:id',
    {
      config: {
        failureMessage: 'Failed to update course',
        invalidIdCode: 'INVALID_COURSE_ID',
        bodyFieldCodes: courseFieldCodes,
      },
      validatorCompiler: strictBodyValidator,
      schema: {
        params: CourseIdParams,
        body: UpdateCourseBody,
        response: { 200: envelope(CourseDetail), ...bodyErrors },
      },
    },
    async (request) => {
      const course = await courses.update(request.userId, request.params.id, request.body)
      request.log.info({ courseId: course.id, userId: request.userId }, 'course updated')
      return { success: true as const, data: course }
    },
  )

  app.delete(
    '/api/courses/:id',
    {
      config: { failureMessage: 'Failed to delete course', invalidIdCode: 'INVALID_COURSE_ID' },
      schema: { params: CourseIdParams, response: { 200: MessageBody, ...errors } },
    },
    async (request) => {
      await courses.delete(request.userId, request.params.id)
      request.log.info({ courseId: request.params.id, userId: request.userId }, 'course deleted')
      return { success: true as const, message: 'Course deleted successfully' }
    },
  )
}
