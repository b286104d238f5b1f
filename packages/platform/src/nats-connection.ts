import { connect, type NatsConnection } from '@nats-io/transport-node'

export interface NatsConnectOptions {
  url: string
  /** Shown in the server's connection list: service name and pod. */
  name: string
}

/**
 * Connects with reconnection that never gives up: a broker restart must not leave a pod
 * alive but deaf. Readiness probes read `isClosed()` and the reconnect status.
 *
 * @example
 * const nc = await connectNats({ url: 'nats://127.0.0.1:4222', name: 'downloader' })
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(',').map((server) => server.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    pingInterval: 10_000,
  })
}

/**
 * Follows a connection's status events and answers whether it is usable now: false from a
 * disconnect until the client has reconnected, and for good once it is closed.
 *
 * @example
 * const connected = trackConnection(nc)
 * app.get('/readyz', () => connected())
 */
export function trackConnection(nc: NatsConnection): () => boolean {
  let connected = true
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false
      if (status.type === 'reconnect') connected = true
    }
  })()
  return () => connected && !nc.isClosed()
}
