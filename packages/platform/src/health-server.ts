import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

export interface HealthServer {
  port: number
  close(): Promise<void>
}

/**
 * A worker's probe endpoints: `/healthz` answers while the event loop runs, `/readyz` while
 * `unreadiness` names no reason (it answers 503 with the reasons), `/metrics` in
 * Prometheus' text format.
 *
 * @example
 * await startHealthServer(9464, () => (connected() ? [] : ['NATS connection lost']), registry)
 */
export async function startHealthServer(
  port: number,
  unreadiness: () => readonly string[],
  registry?: Registry,
): Promise<HealthServer> {
  const server = createServer(async (request, response) => {
    const path = request.url?.split('?')[0]
    if (path === '/metrics' && registry) {
      response.writeHead(200, { 'content-type': registry.contentType })
      return response.end(await registry.metrics())
    }
    if (path === '/healthz') return reply(response, 200, { status: 'ok' })
    if (path === '/readyz') {
      const reasons = unreadiness()
      if (reasons.length === 0) return reply(response, 200, { status: 'ready' })
      return reply(response, 503, { status: 'unavailable', reasons })
    }
    return reply(response, 404, { status: 'not found' })
  })
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function reply(response: import('node:http').ServerResponse, status: number, body: object) {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}
