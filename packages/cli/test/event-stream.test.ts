import t from 'tap'
import { readEvents, type StreamEvent } from '../src/api/event-stream.ts'

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

async function collect(chunks: string[]): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  for await (const event of readEvents(streamOf(chunks))) events.push(event)
  return events
}

t.test(
  'events split across chunks, with CRLF, heartbeats and retry lines, parse whole',
  async (t) => {
    const events = await collect([
      'retry: 2000\n\n: keep-alive\n\nid: 7\nevent: prog',
      'ress\ndata: {"progress":40}\r',
      '\n\r\nevent: status\ndata: line one\ndata: line two\n\n',
      'data: unfinished',
    ])
    t.same(events, [
      { event: 'progress', data: '{"progress":40}', id: '7' },
      { event: 'status', data: 'line one\nline two', id: undefined },
    ])
  },
)

t.test('an event without a name is a message', async (t) => {
  t.same(await collect(['data:x\n\n']), [{ event: 'message', data: 'x', id: undefined }])
})
