import { signToken } from '@tella/test-support'
import t from 'tap'
import { expectError, newUser, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

t.test('a token whose sub holds a NUL character is refused, not a 500', async (t) => {
  const token = signToken({ sub: 'a\u0000b' })
  const answer = await api.request('GET', '/api/jobs', {
    headers: { authorization: `Bearer ${token}` },
  })
  expectError(t, answer, 'AUTH_INVALID')
})

t.test('Bearer followed by two spaces is still a bearer token', async (t) => {
  const token = signToken({ sub: newUser() })
  const answer = await api.request('GET', '/api/jobs', {
    headers: { authorization: `Bearer  ${token}` },
  })
  t.equal(answer.status, 200)
})

t.test('an offset beyond the integer range is an invalid query, not a 500', async (t) => {
  for (const offset of ['9223372036854775807', '99999999999999999999', '2147483648']) {
    for (const route of ['/api/jobs', '/api/notes', '/api/courses']) {
      const answer = await api.request('GET', `${route}?offset=${offset}`, { as: newUser() })
      expectError(t, answer, 'INVALID_QUERY')
    }
  }
})

t.test('a YouTube import title holding a NUL character is stored without it', async (t) => {
  const user = newUser()
  const answer = await api.request('POST', '/api/imports/youtube', {
    as: user,
    payload: { url: 'https://youtu.be/dQw4w9WgXcQ', title: 'Cell\u0000Division' },
  })
  t.equal(answer.status, 202)
  t.equal(answer.body.data.title, 'Processing: Cell Division')
})
