import t from 'tap'
import { expectError, newUser, startApi } from './support.ts'

const api = await startApi()
t.teardown(() => api.close())

const video = (url: string, headers?: Record<string, string>) => ({
  url,
  ...(headers ? { headers } : {}),
})
const importVideo = (user: string, body: { url: string; headers?: Record<string, string> }) =>
  api.request('POST', '/api/imports/youtube', {
    as: user,
    payload: { url: body.url },
    ...(body.headers ? { headers: body.headers } : {}),
  })
const upload = (user: string, key: string) => {
  const form = new FormData()
  form.append('file', new Blob([Buffer.alloc(64, 3)]), 'lecture.wav')
  return api.request('POST', '/api/imports/upload', {
    as: user,
    payload: form,
    headers: { 'idempotency-key': key },
  })
}
const jobTotal = async (user: string) =>
  (await api.request('GET', '/api/jobs', { as: user })).body.data.pagination.total

t.test('importing a video that is already being imported gives that job back', async (t) => {
  const user = newUser()
  const first = await importVideo(user, video('https://youtu.be/dQw4w9WgXcQ?si=phone'))
  t.equal(first.status, 202)
  const again = await importVideo(user, video('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=9'))
  t.equal(again.status, 200, 'a repeat answers 200, not 202')
  t.equal(again.body.data.id, first.body.data.id)
  t.equal(await jobTotal(user), 1)

  const other = await importVideo(newUser(), video('https://youtu.be/dQw4w9WgXcQ'))
  t.equal(other.status, 202, 'another user importing the same video gets a job of their own')
})

t.test(
  'once the earlier import of a video is finished, importing it again starts anew',
  async (t) => {
    const user = newUser()
    const first = await importVideo(user, video('https://youtu.be/aaaaaaaaaaa'))
    await api.request('POST', `/api/jobs/${first.body.data.id}/cancel`, { as: user })
    const again = await importVideo(user, video('https://youtu.be/aaaaaaaaaaa'))
    t.equal(again.status, 202)
    t.not(again.body.data.id, first.body.data.id)
  },
)

t.test('a retried upload with the same Idempotency-Key gets the first job back', async (t) => {
  const user = newUser()
  const first = await upload(user, 'upload-7f3c')
  t.equal(first.status, 202)
  const again = await upload(user, 'upload-7f3c')
  t.equal(again.status, 200)
  t.equal(again.body.data.id, first.body.data.id)
  t.equal(await jobTotal(user), 1)
  const fresh = await upload(user, 'upload-8a1d')
  t.equal(fresh.status, 202, 'another key is another import')
})

t.test('concurrent requests with one key create exactly one job', async (t) => {
  const user = newUser()
  const answers = await Promise.all(
    Array.from({ length: 4 }, () =>
      importVideo(user, video('https://youtu.be/bbbbbbbbbbb', { 'idempotency-key': 'k-1' })),
    ),
  )
  t.same(answers.map((a) => a.status).sort(), [200, 200, 200, 202])
  t.equal(new Set(answers.map((a) => a.body.data.id)).size, 1)
  t.equal(await jobTotal(user), 1)
})

t.test('a malformed Idempotency-Key is refused', async (t) => {
  const user = newUser()
  for (const key of ['', ' ', 'x'.repeat(201), 'clé']) {
    const answer = await importVideo(
      user,
      video('https://youtu.be/ccccccccccc', { 'idempotency-key': key }),
    )
    expectError(t, answer, 'IDEMPOTENCY_KEY_INVALID')
  }
  t.equal(await jobTotal(user), 0)
})
