import { CodedError } from '@tella/contracts'
import type { FastifyRequest, RouteOptions } from 'fastify'
import Type from 'typebox'

/** The query string of a route that takes no parameters: any parameter is refused. */
const NoParameters = Type.Object({}, { additionalProperties: false })

const decimalDigits = /^[0-9]+$/u

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>
}

/**
 * An `onRoute` hook for the `/api` routes: query strings are read as strictly everywhere as
 * the lists read theirs. A route without a query schema gets one that refuses every
 * parameter (`/api/jobs/stats?foo=1` answered 200 while `/api/jobs?foo=bar` answered 400),
 * and integer parameters must be written in decimal digits: Ajv's coercion reads `0x10` as 16
 * and `" 1"`, `+1` or `1e1` as numbers too.
 *
 * @example
 * api.addHook('onRoute', readQueryStrictly)
 */
export function readQueryStrictly(route: RouteOptions): void {
  route.schema = { ...route.schema, querystring: route.schema?.querystring ?? NoParameters }
  const integers = integerParameters(route.schema.querystring as QuerySchema)
  if (integers.length === 0) return

  const checkDigits = async (request: FastifyRequest) => refuseNonDigits(request, integers)
  const hooks = route.preValidation
  route.preValidation = hooks === undefined ? [checkDigits] : [hooks, checkDigits].flat()
}

function integerParameters(schema: QuerySchema): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.type === 'integer')
    .map(([name]) => name)
}

/** Runs before validation, so the values are still the text the client sent. */
function refuseNonDigits(request: FastifyRequest, names: string[]): void {
  const query = request.query as Record<string, unknown>
  for (const name of names) {
    const value = query[name]
    // A repeated parameter arrives as an array, which validation refuses on its own.
    if (typeof value === 'string' && !decimalDigits.test(value)) {
      throw new CodedError('INVALID_QUERY', {
        message: `Invalid query parameters: ${name} must be a whole number in decimal digits`,
      })
    }
  }
}
