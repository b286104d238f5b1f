import { createTestDatabase, type TestDatabase } from './database.ts'
import { type NatsServer, startNatsServer } from './nats-server.ts'
import { type ServiceName, type ServiceProcess, serviceProcess } from './services.ts'
import { testJwtSecret } from './tokens.ts'
import { freePort } from './wait.ts'

export interface Stack {
  baseUrl: string
  database: TestDatabase
  nats: NatsServer
  services: Record<ServiceName, ServiceProcess>
  /** Base URL of each service's probes and metrics. */
  healthUrls: Record<ServiceName, string>
  stop(): Promise<void>
}

export interface StackOptions {
  /** Extra environment for every service. */
  env?: Record<string, string>
  /**
   * A database to use instead of a fresh one on the shared server, e.g. on a private server
   * the test stops and restarts; its owner drops it.
   */
  database?: TestDatabase
}

/**
 * The whole product on loopback: a private NATS server, a private database on the shared
 * Postgres (or the one given), and the four services as separate processes.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const [database, nats, port, ...healthPorts] = await Promise.all([
    options.database ?? createTestDatabase(),
    startNatsServer(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ])
  const env = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    JWT_SECRET: testJwtSecret,
    PORT: String(port),
    HOST: '127.0.0.1',
    SHUTDOWN_GRACE_MS: '5000',
    ...options.env,
  }
  const workerEnv = (index: number) => ({ ...env, HEALTH_PORT: String(healthPorts[index]) })
  const services = {
    'jobs-api': serviceProcess('jobs-api', env),
    downloader: serviceProcess('downloader', workerEnv(0)),
    transcriber: serviceProcess('transcriber', workerEnv(1)),
    summarizer: serviceProcess('summarizer', workerEnv(2)),
  }
  const stopAll = async () => {
    await Promise.all(Object.values(services).map((service) => service.kill('SIGTERM')))
    await nats.stop()
    if (!options.database) await database.drop()
  }
  try {
    await services['jobs-api'].start()
    await Promise.all([
      services.downloader.start(),
      services.transcriber.start(),
      services.summarizer.start(),
    ])
  } catch (error) {
    // A stack that failed to start must not leave servers, processes or a database behind.
    await stopAll()
    throw error
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    nats,
    services,
    healthUrls: {
      'jobs-api': `http://127.0.0.1:${port}`,
      downloader: `http://127.0.0.1:${healthPorts[0]}`,
      transcriber: `http://127.0.0.1:${healthPorts[1]}`,
      summarizer: `http://127.0.0.1:${healthPorts[2]}`,
    },
    stop: stopAll,
  }
}
