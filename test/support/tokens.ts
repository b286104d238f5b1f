import { createHmac } from 'node:crypto'

export const testJwtSecret = 'test-secret-at-least-sixteen-chars'

/**
 * Signs an HS256 JWT by hand, independently of the server's JWT library, so tests also
 * catch a server that accepts what it should not.
 */
export function signToken(
  claims: Record<string, unknown>,
  options: { secret?: string; header?: Record<string, unknown> } = {},
): string {
  const header = encode(options.header ?? { alg: 'HS256', typ: 'JWT' })
  const payload = encode({ iat: Math.floor(Date.now() / 1000), ...claims })
  const signature = createHmac('sha256', options.secret ?? testJwtSecret)
    .update(`${header}.${payload}`)
    .digest('base64url')
  return `${header}.${payload}.${signature}`
}

export function bearer(userId: string): { authorization: string } {
  return { authorization: `Bearer ${signToken({ sub: userId })}` }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
