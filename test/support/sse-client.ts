import { request } from 'node:http'

export interface ServerSentEvent {
  id?: string
  event: string
  data: string
}

/**
 * Reads a server-sent event stream over a real socket with Node's HTTP client, parsing the
 * wire format itself so tests check what the server really sends.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: ServerSentEvent) => boolean | undefined,
): Promise<{ status: number; contentType: string; ended: 'server' | 'client' }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = ''
      let finished = false
      const done = (ended: 'server' | 'client') => {
        if (finished) return
        finished = true
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          ended,
        })
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let boundary = buffer.indexOf('\n\n')
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary)
          buffer = buffer.slice(boundary + 2)
          const event = parseBlock(block)
          if (event && onEvent(event) === false) {
            req.destroy()
            done('client')
            return
          }
          boundary = buffer.indexOf('\n\n')
        }
      })
      res.on('end', () => done('server'))
      res.on('close', () => done('server'))
    })
    req.on('error', reject)
    req.end()
  })
}

function parseBlock(block: string): ServerSentEvent | null {
  const event: ServerSentEvent = { event: 'message', data: '' }
  let hasData = false
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /u, '')
    if (field === 'id') event.id = value
    if (field === 'event') event.event = value
    if (field === 'data') {
      event.data += (hasData ? '\n' : '') + value
      hasData = true
    }
  }
  return hasData ? event : null
}
