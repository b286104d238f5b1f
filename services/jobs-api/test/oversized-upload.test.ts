import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearer } from '@tella/test-support'
import t from 'tap'
import { startApi } from './support.ts'

const maxBytes = 256 * 1024
const api = await startApi({ UPLOAD_MAX_BYTES: maxBytes })
await api.app.listen({ host: '127.0.0.1', port: 0 })
const { port } = api.app.server.address() as AddressInfo
t.teardown(() => api.close())

interface Refusal {
  status: number
  connection: string | undefined
  body: { success: boolean; code: string }
  bytesSent: number
}

/**
 * Declares `declaredBytes` of multipart body but sends only its first kilobyte, then waits:
 * an answer can only come if the server decided from the headers alone.
 */
function uploadDeclaring(declaredBytes: number): Promise<Refusal> {
  const boundary = 'tella-oversized'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\n` +
      'Content-Type: audio/wav\r\n\r\n',
  )
  const start = Buffer.concat([head, Buffer.alloc(1024 - head.length, 1)])
  return new Promise((resolve, reject) => {
    const sending = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/imports/upload',
        headers: {
          ...bearer('user_oversized'),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(declaredBytes),
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            bytesSent: start.length,
          }),
        )
      },
    )
    sending.on('error', reject)
    sending.write(start)
    setTimeout(() => {
      sending.destroy()
      reject(new Error('no answer within 5 s while the body was held back'))
    }, 5_000).unref()
  })
}

t.test('a body declared over the upload limit is refused before it is sent', async (t) => {
  const refusal = await uploadDeclaring(64 * 1024 * 1024)
  t.equal(refusal.status, 413)
  t.match(refusal.body, { success: false, code: 'FILE_TOO_LARGE' })
  t.equal(refusal.connection, 'close', 'the connection is closed, not drained')
  t.equal(refusal.bytesSent, 1024, 'after one kilobyte of 64 MiB')
  const jobs = await api.request('GET', '/api/jobs', { as: 'user_oversized' })
  t.equal(jobs.body.data.pagination.total, 0, 'no job was created')
})

t.test('a body declared within the limit plus form overhead is read as usual', async (t) => {
  // Only the headers decide the early refusal: a declared length near the limit is streamed,
  // and the file's own size is checked as it arrives (upload-import.test.ts).
  const answer = await uploadDeclaring(maxBytes + 4096).catch((error: Error) => error)
  t.type(answer, Error, 'no early answer: the server waits for the body')
})
