import { UsageError } from './failures.ts'

export const defaultApiUrl = 'http://127.0.0.1:3000'

export interface Settings {
  /** Base URL of jobs-api, without a trailing slash. */
  apiUrl: string
  token: string | undefined
}

/**
 * `TELLA_API_URL` and `TELLA_TOKEN`, with `--token` winning over the variable. Read once per
 * run; a bad URL is refused before anything is sent.
 */
export function readSettings(env: NodeJS.ProcessEnv, tokenFlag: string | undefined): Settings {
  const raw = env.TELLA_API_URL?.trim() || defaultApiUrl
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`TELLA_API_URL is not a URL: ${raw}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`TELLA_API_URL must be an http or https URL, not ${raw}`)
  }
  const token = tokenFlag?.trim() || env.TELLA_TOKEN?.trim() || undefined
  return { apiUrl: url.href.replace(/\/+$/u, ''), token }
}

/** The token, or a usage error that says how to get one. */
export function requireToken(settings: Settings): string {
  if (settings.token) return settings.token
  throw new UsageError(
    'no token: set TELLA_TOKEN or pass --token ' +
      '(development: export TELLA_TOKEN=$(tella token --user <id>))',
  )
}
