import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * Route-level `validatorCompiler` for JSON bodies: values are checked as sent. Fastify's Ajv
 * coerces types, which query strings need (`limit=20` is text) but which would let a body
 * through with the wrong types: `{ "url": ["…"] }` became the string inside, `{ "title": 5 }`
 * became "5". Errors keep Ajv's shape (`keyword`, `instancePath`, `message`), so the error
 * handler reads them as it reads Ajv's.
 */
export const strictBodyValidator: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  const checker = Compile(schema)
  return (value) => {
    if (checker.Check(value)) return { value }
    const errors = checker.Errors(value)
    // An unknown property is reported twice; the `additionalProperties` entry names it.
    const named = errors.filter((error) => error.keyword !== 'boolean')
    return { error: named.length > 0 ? named : errors }
  }
}
