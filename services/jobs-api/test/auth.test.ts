import { createHmac } from 'node:crypto'
import { signToken, testJwtSecret } from '@tella/test-support'
import t from 'tap'
import { expectError, newUser, seedJob, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const now = () => Math.floor(Date.now() / 1000)

/** Every route under /api: each must refuse a caller without a valid token. */
const endpoints = [
  ['GET', '/api/jobs/stats'],
  ['GET', '/api/jobs'],
  ['GET', '/api/jobs/job_abc123'],
  ['POST', '/api/jobs/job_abc123/cancel'],
  ['DELETE', '/api/jobs/job_abc123'],
  ['POST', '/api/imports/upload'],
  ['POST', '/api/imports/youtube'],
  ['GET', '/api/notes/note_abc123'],
  ['GET', '/api/notes'],
  ['PATCH', '/api/notes/note_abc123'],
  ['DELETE', '/api/notes/note_abc123'],
  ['GET', '/api/notes/note_abc123/transcript?format=srt'],
  ['POST', '/api/courses'],
  ['GET', '/api/courses'],
  ['GET', '/api/courses/course_abc123'],
  ['PATCH', '/api/courses/course_abc123'],
  ['DELETE', '/api/courses/course_abc123'],
] as const

t.test('every /api route without an Authorization header answers 401 AUTH_REQUIRED', async (t) => {
  for (const [method, url] of endpoints) {
    const answer = await api.request(method, url)
    t.test(`${method} ${url}`, async (t) => expectError(t, answer, 'AUTH_REQUIRED'))
  }
})

t.test('every /api route with a token signed by another secret answers 401', async (t) => {
  const forged = signToken({ sub: newUser() }, { secret: 'another-secret-of-enough-length' })
  for (const [method, url] of endpoints) {
    const answer = await api.request(method, url, {
      headers: { authorization: `Bearer ${forged}` },
    })
    t.test(`${method} ${url}`, async (t) => expectError(t, answer, 'AUTH_INVALID'))
  }
})

const refusedHeaders: Array<[string, string, 'AUTH_REQUIRED' | 'AUTH_INVALID']> = [
  ['a Basic credential', `Basic ${Buffer.from('ada:secret').toString('base64')}`, 'AUTH_REQUIRED'],
  ['the word Bearer with no token', 'Bearer ', 'AUTH_REQUIRED'],
  ['a bare token without the Bearer scheme', signToken({ sub: 'user_1' }), 'AUTH_REQUIRED'],
  ['garbage after Bearer', 'Bearer not-a-jwt', 'AUTH_INVALID'],
  ['three garbage segments', 'Bearer aaa.bbb.ccc', 'AUTH_INVALID'],
  [
    'two tokens after Bearer',
    `Bearer ${signToken({ sub: 'u' })} ${signToken({ sub: 'u' })}`,
    'AUTH_INVALID',
  ],
  [
    'a token whose exp has passed',
    `Bearer ${signToken({ sub: 'user_1', iat: now() - 7200, exp: now() - 3600 })}`,
    'AUTH_INVALID',
  ],
  [
    'a token not valid before an hour from now',
    `Bearer ${signToken({ sub: 'user_1', nbf: now() + 3600 })}`,
    'AUTH_INVALID',
  ],
  ['a token without sub', `Bearer ${signToken({ name: 'Ada' })}`, 'AUTH_INVALID'],
  ['a token whose sub is a number', `Bearer ${signToken({ sub: 12345 })}`, 'AUTH_INVALID'],
  ['a token whose sub is an object', `Bearer ${signToken({ sub: { id: 'u' } })}`, 'AUTH_INVALID'],
  ['a token whose sub is empty', `Bearer ${signToken({ sub: '' })}`, 'AUTH_INVALID'],
  ['a token whose sub is blank', `Bearer ${signToken({ sub: '   ' })}`, 'AUTH_INVALID'],
  [
    'a token whose sub is 256 characters',
    `Bearer ${signToken({ sub: 'u'.repeat(256) })}`,
    'AUTH_INVALID',
  ],
  [
    'a token signed with HS512 by the right secret',
    `Bearer ${signHs512({ sub: 'user_1' })}`,
    'AUTH_INVALID',
  ],
  ['an unsigned token with alg none', `Bearer ${unsignedToken({ sub: 'user_1' })}`, 'AUTH_INVALID'],
  [
    'a token with alg none and a signature anyway',
    `Bearer ${signToken({ sub: 'user_1' }, { header: { alg: 'none', typ: 'JWT' } })}`,
    'AUTH_INVALID',
  ],
  [
    'a token whose signature was cut off',
    `Bearer ${signToken({ sub: 'user_1' }).replace(/\.[^.]+$/u, '.')}`,
    'AUTH_INVALID',
  ],
]

for (const [what, authorization, code] of refusedHeaders) {
  t.test(`GET /api/jobs with ${what} answers 401 ${code}`, async (t) => {
    const answer = await api.request('GET', '/api/jobs', { headers: { authorization } })
    expectError(t, answer, code)
  })
}

t.test('a token whose payload was edited after signing is refused', async (t) => {
  const [header, , signature] = signToken({ sub: 'user_victim' }).split('.')
  const payload = Buffer.from(JSON.stringify({ sub: 'user_attacker' })).toString('base64url')
  const answer = await api.request('GET', '/api/jobs', {
    headers: { authorization: `Bearer ${header}.${payload}.${signature}` },
  })
  expectError(t, answer, 'AUTH_INVALID')
})

t.test('a valid HS256 token is accepted and scopes the answer to its sub', async (t) => {
  const user = newUser()
  const jobId = await seedJob(api.db, { userId: user })
  await seedJob(api.db, { userId: newUser() })

  const answer = await api.request('GET', '/api/jobs', {
    headers: { authorization: `bearer ${signToken({ sub: user, exp: now() + 60 })}` },
  })
  t.equal(answer.status, 200, 'the scheme name is case-insensitive')
  t.same(
    answer.body.data.jobs.map((job: { id: string }) => job.id),
    [jobId],
  )
})

t.test('a sub that is an email address is a usable user id', async (t) => {
  const user = `ada.lovelace+${newUser()}@uni.example`
  const jobId = await seedJob(api.db, { userId: user })
  const answer = await api.request('GET', `/api/jobs/${jobId}`, { as: user })
  t.equal(answer.status, 200)
  t.equal(answer.body.data.userId, user)
})

t.test('health probes need no token', async (t) => {
  const live = await api.request('GET', '/healthz')
  t.equal(live.status, 200)
  const ready = await api.request('GET', '/readyz')
  t.equal(ready.status, 200)
  t.same(ready.body, { status: 'ready', database: true, nats: true })
})

function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iat: now(), ...claims })}.`
}

function signHs512(claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS512', typ: 'JWT' })}.${encode({ iat: now(), ...claims })}`
  return `${unsigned}.${createHmac('sha512', testJwtSecret).update(unsigned).digest('base64url')}`
}
