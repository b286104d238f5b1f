import type { Static, TObject } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'

/**
 * Raised once at start when settings are wrong; lists every problem, each naming its
 * variable, so an operator fixes them all in one go.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: string[]

  constructor(problems: string[]) {
    super(`Invalid settings:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
  }
}

/**
 * Reads the variables a schema names from the environment: strings are coerced to the
 * declared types, defaults applied, and anything invalid refused with the variable's name.
 * Variables the schema does not name are ignored, since the environment holds much else.
 *
 * @example
 * const config = loadConfig(Type.Object({ PORT: Type.Integer({ default: 3000 }) }))
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const picked: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key]
    if (raw !== undefined && raw !== '') picked[key] = raw
  }

  const value = Value.Convert(schema, Value.Default(schema, picked))
  const checker = Compile(schema)
  if (checker.Check(value)) return value as Static<T>

  const problems = [...checker.Errors(value)].map((error) => {
    const name = error.instancePath.replace(/^\//u, '')
    return name ? `${name}: ${error.message}` : `${missingName(error.params)}: is required`
  })
  throw new ConfigError([...new Set(problems)])
}

function missingName(params: unknown): string {
  const required = (params as { requiredProperties?: string[] } | undefined)?.requiredProperties
  return required?.join(', ') ?? '(settings)'
}
