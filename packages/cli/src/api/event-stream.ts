export interface StreamEvent {
  event: string
  data: string
  id: string | undefined
}

/**
 * Parses a server-sent event stream as it arrives. Comments (heartbeats) and `retry:` lines
 * are skipped; an event is yielded once its blank line has arrived.
 *
 * @example
 * for await (const event of readEvents(response.body)) console.log(event.event, event.data)
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    // CRLF is folded on the whole buffer so a pair split across two chunks is still one.
    buffer = (buffer + decoder.decode(chunk, { stream: true })).replace(/\r\n/gu, '\n')
    let boundary = buffer.indexOf('\n\n')
    while (boundary >= 0) {
      const event = parseBlock(buffer.slice(0, boundary))
      buffer = buffer.slice(boundary + 2)
      if (event) yield event
      boundary = buffer.indexOf('\n\n')
    }
  }
}

function parseBlock(block: string): StreamEvent | null {
  let event = 'message'
  let id: string | undefined
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /u, '')
    if (field === 'event') event = value
    else if (field === 'id') id = value
    else if (field === 'data') data.push(value)
  }
  return data.length > 0 ? { event, data: data.join('\n'), id } : null
}
