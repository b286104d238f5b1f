import fastifyJwt from '@fastify/jwt'
import { CodedError } from '@tella/contracts'
import type { FastifyInstance, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's user id: the `sub` claim of a verified token. */
    userId: string
  }
}

const maxUserIdLength = 255

/**
 * Bearer JWTs signed with HS256 and `JWT_SECRET`. Only HS256 is accepted, so a token that
 * claims `none` or an asymmetric algorithm is refused before its signature is considered.
 */
export async function registerAuthentication(app: FastifyInstance, secret: string) {
  await app.register(fastifyJwt, {
    secret,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] },
  })
  app.decorateRequest('userId', '')
}

/** `onRequest` hook for every `/api` route. */
export async function requireUser(request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization
  const match = header ? /^bearer\s+(\S+)\s*$/iu.exec(header) : null
  if (!header || !/^bearer\s+\S/iu.test(header)) throw new CodedError('AUTH_REQUIRED')
  if (!match?.[1]) throw new CodedError('AUTH_INVALID')

  let claims: { sub?: unknown }
  try {
    claims = request.server.jwt.verify<{ sub?: unknown }>(match[1])
  } catch (cause) {
    throw new CodedError('AUTH_INVALID', { cause })
  }

  const { sub } = claims
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > maxUserIdLength) {
    throw new CodedError('AUTH_INVALID', { detail: 'the token has no usable sub claim' })
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f]/u.test(sub)) {
    throw new CodedError('AUTH_INVALID', { detail: 'the token has no usable sub claim' })
  }
  request.userId = sub
}
