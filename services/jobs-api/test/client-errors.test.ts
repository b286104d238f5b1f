import { type AddressInfo, connect } from 'node:net'
import { bearer } from '@tella/test-support'
import t from 'tap'
import { startApi } from './support.ts'

// Requests Node's HTTP parser refuses before any route runs need a real socket: inject()
// skips the parser.
const api = await startApi()
await api.app.listen({ host: '127.0.0.1', port: 0 })
const { port } = api.app.server.address() as AddressInfo
t.teardown(() => api.close())

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: unknown
}

/**
 * Writes `chunks` to a fresh connection, then half-closes it when `endAfter` is set, and reads
 * everything the server answers until it closes the connection.
 */
function exchange(chunks: string[], options: { endAfter?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8')
      const [head = '', body = ''] = text.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':')
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
        }),
      )
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) })
    })
    for (const chunk of chunks) socket.write(chunk)
    if (options.endAfter) socket.end()
    setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5_000).unref()
  })
}

t.test(
  'a 20 KB Authorization header answers 431 HEADERS_TOO_LARGE in the contract shape',
  async (t) => {
    const answer = await exchange([
      'GET /api/jobs HTTP/1.1\r\nHost: localhost\r\n' +
        `Authorization: Bearer ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    ])
    t.equal(answer.status, 431)
    t.match(answer.headers['content-type'], /^application\/json/u)
    t.equal(answer.headers.connection, 'close')
    t.same(answer.body, {
      success: false,
      error: 'Request headers too large: together they may have at most 16 KiB',
      code: 'HEADERS_TOO_LARGE',
    })
  },
)

t.test('bytes that are not HTTP answer 400 MALFORMED_REQUEST in the contract shape', async (t) => {
  const answer = await exchange(['GET /api/jobs HTTP/1.1\r\nHost localhost\r\n\r\n'])
  t.equal(answer.status, 400)
  t.same(answer.body, {
    success: false,
    error: 'Malformed request: it is not valid HTTP/1.1',
    code: 'MALFORMED_REQUEST',
  })
})

t.test(
  'a body of 10 bytes declared as 100, then a closed connection, answers 400 INVALID_BODY',
  async (t) => {
    const head =
      'POST /api/courses HTTP/1.1\r\nHost: localhost\r\n' +
      `Authorization: ${bearer('user_cut_short').authorization}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n'
    const answer = await exchange([head, '{"name":"B'], { endAfter: true })
    t.equal(answer.status, 400)
    t.same(answer.body, {
      success: false,
      error: 'Invalid request body: it ended before its Content-Length',
      code: 'INVALID_BODY',
    })
    const courses = await api.request('GET', '/api/courses', { as: 'user_cut_short' })
    t.equal(courses.body.data.pagination.total, 0, 'no course was created')
  },
)

t.test('the connection after a refused one is served as usual', async (t) => {
  const answer = await api.request('GET', '/api/jobs', { as: 'user_after' })
  t.equal(answer.status, 200)
})
