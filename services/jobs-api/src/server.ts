import { buildApp } from './app.ts'
import { loadJobsApiSettings } from './config.ts'

/** Entry point: the only file that opens a port or handles signals. */
const settings = loadJobsApiSettings()
const app = await buildApp(settings)

let closing = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const forced = setTimeout(() => process.exit(1), settings.SHUTDOWN_GRACE_MS)
    forced.unref()
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}

await app.listen({ port: settings.PORT, host: settings.HOST })
