import { createHmac } from 'node:crypto'
import { exitCodes, UsageError } from '../failures.ts'
import { type Command, stringOption } from './command.ts'

const minimumSecretLength = 16
const ttlUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

export const tokenCommand: Command = {
  name: 'token',
  synopsis: 'token --user <id>',
  summary: 'sign a development JWT with JWT_SECRET',
  positionals: [],
  options: { user: { type: 'string' }, ttl: { type: 'string' } },
  usesApi: false,
  help: `Development only: signs an HS256 JWT for a user with JWT_SECRET, the secret
jobs-api verifies tokens with, and prints it. Production tokens come from your identity
provider, never from a shared secret on a laptop.

Options:
  --user <id>     the user id (the token's sub claim); required
  --ttl <time>    lifetime: 90s, 30m, 1h, 7d (default 1h)

Example:
  export TELLA_TOKEN=$(JWT_SECRET=… tella token --user alice)`,

  async run(context, values) {
    const user = stringOption(values, 'user')?.trim()
    if (!user) throw new UsageError('--user <id> is required')
    const ttlSeconds = parseTtl(stringOption(values, 'ttl') ?? '1h')
    const secret = context.env.JWT_SECRET ?? ''
    if (secret === '') {
      throw new UsageError('JWT_SECRET is not set: tella token signs with the secret of jobs-api')
    }
    if (secret.length < minimumSecretLength) {
      throw new UsageError(
        `JWT_SECRET is shorter than ${minimumSecretLength} characters; jobs-api refuses it`,
      )
    }

    context.output.err('warning: tella token is for development only (it signs with JWT_SECRET)')
    const now = Math.floor(Date.now() / 1000)
    context.output.out(signHs256({ sub: user, iat: now, exp: now + ttlSeconds }, secret))
    return exitCodes.ok
  },
}

/** `90s`, `30m`, `1h`, `7d` or plain seconds, as seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/u.exec(text.trim())
  const seconds = match ? Number(match[1]) * (ttlUnits[match[2] || 's'] ?? 1) : 0
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(
      `--ttl must be a positive duration such as 90s, 30m, 1h or 7d, not "${text}"`,
    )
  }
  return seconds
}

function signHs256(claims: Record<string, unknown>, secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`
}
