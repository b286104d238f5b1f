import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IService } from 'kubernetes-models/v1/Service'
import t from 'tap'
import { ofKind, overlay, overlayNames } from '../validation/overlays.ts'
import { deploymentPolicy, policyProblems } from '../validation/policies.ts'
import { workerNames } from '../validation/service-settings.ts'
import { quantity, workloads } from '../validation/workloads.ts'

const podLabels = (deployment: IDeployment) => deployment.spec?.template.metadata?.labels ?? {}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  const pairs = Object.entries(selector ?? {})
  return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value)
}

for (const name of overlayNames) {
  const { objects } = overlay(name)
  const deployments = ofKind<IDeployment>(objects, 'Deployment')

  t.test(`${name}: every Deployment meets the workload policy`, async (t) => {
    for (const deployment of deployments) {
      const id = `Deployment/${deployment.metadata?.name}`
      t.same(policyProblems(deploymentPolicy, deployment, id), [], id)
    }
  })

  t.test(
    `${name}: one PodDisruptionBudget selects each Deployment's pods and no other's`,
    async (t) => {
      const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget')
      for (const deployment of deployments) {
        const matching = budgets.filter((budget) =>
          selects(budget.spec?.selector?.matchLabels, podLabels(deployment)),
        )
        t.equal(matching.length, 1, `${deployment.metadata?.name}: one budget`)
        const others = deployments.filter(
          (other) =>
            other !== deployment &&
            selects(matching[0]?.spec?.selector?.matchLabels, podLabels(other)),
        )
        t.same(others, [], `${deployment.metadata?.name}: its budget covers only its pods`)
      }
      t.equal(budgets.length, deployments.length)
    },
  )

  t.test(
    `${name}: a Service selects each Deployment's pods on a port the container names`,
    async (t) => {
      const services = ofKind<IService>(objects, 'Service')
      for (const deployment of deployments) {
        const service = services.find((s) => selects(s.spec?.selector, podLabels(deployment)))
        const container = deployment.spec?.template.spec?.containers[0]
        const portNames = (container?.ports ?? []).map((port) => port.name)
        t.ok(service, `${deployment.metadata?.name}: a Service`)
        for (const port of service?.spec?.ports ?? []) {
          t.ok(
            portNames.includes(String(port.targetPort)),
            `${service?.metadata?.name}: ${port.targetPort}`,
          )
        }
      }
    },
  )

  t.test(`${name}: probes and scraping use the port the service listens on`, async (t) => {
    for (const { service, container, deployment, settings } of workloads(name)) {
      if (settings instanceof Error) throw settings
      const listening = service === 'jobs-api' ? settings.PORT : settings.HEALTH_PORT
      const [port] = container.ports ?? []
      t.equal(port?.containerPort, listening, `${service}: container port is the setting`)
      for (const probe of [
        container.startupProbe,
        container.livenessProbe,
        container.readinessProbe,
      ]) {
        if (probe) t.equal(probe.httpGet?.port, port?.name, `${service}: probe on ${port?.name}`)
      }
      const annotations = deployment.spec?.template.metadata?.annotations ?? {}
      t.equal(annotations['prometheus.io/port'], String(listening), `${service}: scrape port`)
    }
  })

  t.test(`${name}: the grace period outlasts preStop plus SHUTDOWN_GRACE_MS`, async (t) => {
    for (const { service, container, deployment, settings } of workloads(name)) {
      if (settings instanceof Error) throw settings
      const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0
      const drain = Number(settings.SHUTDOWN_GRACE_MS) / 1000
      const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30
      t.ok(grace >= preStop + drain + 5, `${service}: ${grace} s ≥ ${preStop} + ${drain} + 5 s`)
    }
  })

  t.test(
    `${name}: requests fit within limits, and the read-only root has a writable /tmp`,
    async (t) => {
      for (const { service, container, deployment } of workloads(name)) {
        const { requests = {}, limits = {} } = container.resources ?? {}
        for (const [resource, requested] of Object.entries(requests)) {
          const limit = limits[resource]
          t.ok(limit !== undefined, `${service}: a ${resource} limit`)
          if (limit !== undefined) {
            t.ok(
              quantity(requested) <= quantity(limit),
              `${service}: ${resource} ${requested} ≤ ${limit}`,
            )
          }
        }
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp')
        const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === tmp?.name)
        t.ok(volume?.emptyDir, `${service}: /tmp is an emptyDir`)
        const scratch = quantity(volume?.emptyDir?.sizeLimit ?? 0)
        const storage = quantity(limits['ephemeral-storage'] ?? 0)
        t.ok(scratch < storage, `${service}: /tmp fits in the ephemeral-storage limit`)
      }
    },
  )

  t.test(`${name}: workers leave their replica count to the autoscaler`, async (t) => {
    for (const deployment of deployments) {
      const worker = (workerNames as readonly string[]).includes(deployment.metadata?.name ?? '')
      if (worker) t.equal(deployment.spec?.replicas, undefined, `${deployment.metadata?.name}`)
    }
  })

  t.test(`${name}: the transcriber runs one decoder per core it is given`, async (t) => {
    const transcriber = workloads(name).find((workload) => workload.service === 'transcriber')
    if (!transcriber || transcriber.settings instanceof Error) throw new Error('no transcriber')
    const cores = quantity(transcriber.container.resources?.limits?.cpu ?? 0)
    const decoders = Number(transcriber.settings.POCKETSPHINX_CONCURRENCY)
    // 0 would mean one per core of the node, not of the container.
    t.ok(decoders >= 1 && decoders <= cores, `${decoders} decoders on ${cores} cores`)
    t.equal(transcriber.settings.WORKER_CONCURRENCY, 1, 'one transcription at a time')
  })
}

t.test('prod runs at least two API replicas, so a disruption leaves one serving', async (t) => {
  const api = ofKind<IDeployment>(overlay('prod').objects, 'Deployment').find(
    (deployment) => deployment.metadata?.name === 'jobs-api',
  )
  t.ok((api?.spec?.replicas ?? 1) >= 2)
})
