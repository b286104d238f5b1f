import type { FastifySchemaValidationError } from 'fastify'

/**
 * Ajv's errors for a query string, as one sentence that names the parameter. A parameter with
 * a fixed set of values (status, sortBy, format, …) is a union of constants, for which Ajv
 * reports one "must be equal to constant" per value and then "must match a schema in anyOf";
 * those become the list of the values allowed.
 *
 * @example
 * describeQueryErrors(errorsOf('status=pending'))
 * // 'status must be one of PENDING, IN_PROGRESS, COMPLETED, FAILED'
 */
export function describeQueryErrors(errors: FastifySchemaValidationError[]): string {
  const byParameter = new Map<string, FastifySchemaValidationError[]>()
  for (const error of errors) {
    for (const name of parametersOf(error)) {
      byParameter.set(name, [...(byParameter.get(name) ?? []), error])
    }
  }
  return [...byParameter].map(([name, found]) => describe(name, found)).join('; ')
}

/**
 * The parameters an error is about. Ajv names one unknown property per error; TypeBox, which
 * validates the routes that read JSON bodies strictly (strict-body.ts), lists them all in one.
 */
function parametersOf(error: FastifySchemaValidationError): string[] {
  if (error.keyword !== 'additionalProperties') return [error.instancePath.replace(/^\//u, '')]
  const { additionalProperty, additionalProperties } = error.params
  return Array.isArray(additionalProperties)
    ? additionalProperties.map(String)
    : [String(additionalProperty)]
}

function describe(name: string, errors: FastifySchemaValidationError[]): string {
  const first = errors[0] as FastifySchemaValidationError
  if (first.keyword === 'additionalProperties') return `${name} is not a parameter of this route`

  const allowed = errors
    .filter((error) => error.keyword === 'const')
    .map((error) => String(error.params.allowedValue))
  if (allowed.length > 0) {
    // A repeated parameter arrives as an array and also fails each constant's string type.
    const repeated = errors.some((error) => error.keyword === 'type')
    const values = [...new Set(allowed)].join(', ')
    return repeated
      ? `${name} must be given once, as one of ${values}`
      : `${name} must be one of ${values}`
  }
  return `${name} ${first.message ?? 'is invalid'}`
}
