import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { composeEnvironment, durationSeconds, readCompose } from '../validation/compose.ts'
import { deployDir } from '../validation/paths.ts'
import { serviceNames } from '../validation/service-settings.ts'
import { imageEnv, load } from '../validation/workloads.ts'

const compose = readCompose()

t.test('compose brings up Postgres, NATS with JetStream and the four services', async (t) => {
  t.same(Object.keys(compose).sort(), ['nats', 'postgres', ...serviceNames].sort())
  t.ok(compose.nats?.command?.includes('--jetstream'), 'JetStream on')
  t.ok(compose.nats?.healthcheck, 'NATS has a healthcheck')
  t.ok(compose.postgres?.healthcheck, 'Postgres has a healthcheck')
})

t.test(
  'each service is built from its Dockerfile and tagged as the manifests expect',
  async (t) => {
    for (const service of serviceNames) {
      const { build, image } = compose[service] ?? {}
      t.equal(build?.dockerfile, `deploy/images/${service}.Dockerfile`, service)
      const context = path.resolve(deployDir, build?.context ?? '')
      t.ok(existsSync(path.join(context, build?.dockerfile ?? '')), `${service}: dockerfile found`)
      t.equal(image, `tella-imports/${service}:dev`)
    }
  },
)

t.test('services wait for healthy dependencies and get time to drain on stop', async (t) => {
  for (const service of serviceNames) {
    const definition = compose[service] ?? {}
    const needs = service === 'jobs-api' ? ['nats', 'postgres'] : ['nats']
    t.same(Object.keys(definition.depends_on ?? {}).sort(), needs, `${service}: depends on`)
    for (const dependency of Object.values(definition.depends_on ?? {})) {
      t.equal(dependency.condition, 'service_healthy')
    }
    const settings = load(service, { ...imageEnv(service), ...composeEnvironment(definition) })
    if (settings instanceof Error) throw settings
    const drain = Number(settings.SHUTDOWN_GRACE_MS) / 1000
    const grace = durationSeconds(definition.stop_grace_period ?? '10s')
    t.ok(grace > drain, `${service}: stop_grace_period ${grace} s > ${drain} s`)
    t.ok(definition.read_only && definition.tmpfs?.includes('/tmp'), `${service}: read-only, /tmp`)
  }
})
