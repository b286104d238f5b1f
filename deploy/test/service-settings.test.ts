import t from 'tap'
import { composeEnvironment, readCompose } from '../validation/compose.ts'
import { overlay, overlayNames } from '../validation/overlays.ts'
import { policyProblems, settingsPolicy } from '../validation/policies.ts'
import { type ServiceName, serviceNames, serviceSettings } from '../validation/service-settings.ts'
import { imageEnv, load, workloads } from '../validation/workloads.ts'

/** Settings whose default points at this machine: right in tests, wrong in any cluster. */
function localDefaults(service: ServiceName): string[] {
  return [...serviceSettings[service].defaults]
    .filter(([, value]) => typeof value === 'string' && /127\.0\.0\.1|localhost/.test(value))
    .map(([name]) => name)
}

for (const name of overlayNames) {
  t.test(`${name}: every service starts with the settings the manifests give it`, async (t) => {
    for (const { service, env, settings } of workloads(name)) {
      t.same(env.problems, [], `${service}: every ConfigMap and Secret reference resolves`)
      t.notOk(
        settings instanceof Error,
        `${service}: ${settings instanceof Error ? settings.message : 'settings accepted'}`,
      )
    }
  })

  t.test(`${name}: every variable the manifests set is one its service reads`, async (t) => {
    for (const { service, env } of workloads(name)) {
      const unread = Object.keys(env.values).filter(
        (key) => !serviceSettings[service].names.has(key),
      )
      t.same(unread, [], `${service}: no stray or misspelt setting`)
    }
  })

  t.test(`${name}: no service falls back to a localhost default`, async (t) => {
    for (const { service, env } of workloads(name)) {
      for (const setting of localDefaults(service)) {
        t.match(env.values[setting], /^(?!.*(127\.0\.0\.1|localhost))./, `${service}: ${setting}`)
      }
      t.same(policyProblems(settingsPolicy, env.values, service), [], `${service}: server URLs`)
    }
  })

  t.test(`${name}: Secrets in the repository hold placeholders only`, async (t) => {
    for (const secret of overlay(name).secrets) {
      for (const [key, value] of Object.entries((secret.stringData ?? {}) as object)) {
        t.match(value, /REPLACE_ME|dev-only/, `${secret.metadata.name}/${key} is a placeholder`)
      }
      t.equal(secret.data, undefined, `${secret.metadata.name}: no encoded values to hide in`)
    }
  })
}

t.test('compose gives each service settings its loader accepts, all of them read', async (t) => {
  const compose = readCompose()
  for (const service of serviceNames) {
    const values = composeEnvironment(compose[service] ?? {})
    const settings = load(service, { ...imageEnv(service), ...values })
    t.notOk(
      settings instanceof Error,
      `${service}: ${settings instanceof Error ? settings.message : 'accepted'}`,
    )
    const unread = Object.keys(values).filter((key) => !serviceSettings[service].names.has(key))
    t.same(unread, [], `${service}: no stray setting`)
    for (const setting of localDefaults(service)) {
      t.ok(values[setting], `${service}: ${setting} names the compose service, not localhost`)
    }
    t.same(policyProblems(settingsPolicy, values, service), [], `${service}: server URLs`)
  }
})

t.test('the settings check catches a misspelt or invalid variable', async (t) => {
  const worker = workloads('prod').find((workload) => workload.service === 'summarizer')
  if (!worker) throw new Error('no summarizer')
  const settings = load('summarizer', { ...worker.processEnv, WORKER_CONCURRENCY: 'many' })
  t.match(settings, { problems: [/^WORKER_CONCURRENCY: /] })
  t.notOk(serviceSettings.summarizer.names.has('WORKER_CONCURENCY'))
})
