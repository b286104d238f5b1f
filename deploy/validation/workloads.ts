import path from 'node:path'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { type ContainerEnv, containerEnv } from './container-env.ts'
import { envOf, readDockerfile } from './dockerfile.ts'
import { type OverlayName, ofKind, overlay } from './overlays.ts'
import { imagesDir } from './paths.ts'
import { type ServiceName, serviceNames, serviceSettings } from './service-settings.ts'

/** One service as an overlay deploys it, with the settings its process would start with. */
export interface Workload {
  service: ServiceName
  deployment: IDeployment
  container: IContainer
  /** What the manifests put in the container's environment. */
  env: ContainerEnv
  /** The image's ENV overlaid by the manifests' env: what the process sees. */
  processEnv: Record<string, string>
  /** The service's settings as its own loader reads `processEnv`, or the error it throws. */
  settings: Record<string, unknown> | Error
}

/**
 * Every Deployment of the overlay as a workload of the service it runs (the Deployment and
 * its one container are named after the service).
 *
 * @example
 * for (const workload of workloads('prod')) console.log(workload.settings)
 */
export function workloads(name: OverlayName): Workload[] {
  const { objects, secrets } = overlay(name)
  return ofKind<IDeployment>(objects, 'Deployment').map((deployment) => {
    const service = deployment.metadata?.name as ServiceName
    if (!serviceNames.includes(service)) throw new Error(`${service} is not one of the services`)
    const container = deployment.spec?.template.spec?.containers.find((c) => c.name === service)
    if (!container) throw new Error(`${service}: no container named ${service}`)
    const env = containerEnv(container, objects, secrets)
    const processEnv = { ...imageEnv(service), ...env.values }
    return { service, deployment, container, env, processEnv, settings: load(service, processEnv) }
  })
}

/** The ENV of a service's image, from the final stage of its Dockerfile. */
export function imageEnv(service: ServiceName): Record<string, string> {
  const { stages } = readDockerfile(path.join(imagesDir, `${service}.Dockerfile`))
  const final = stages.at(-1)
  return final ? envOf(final) : {}
}

/** Runs the service's own settings loader; its error is returned rather than thrown. */
export function load(service: ServiceName, env: Record<string, string>) {
  try {
    return serviceSettings[service].load(env)
  } catch (error) {
    return error as Error
  }
}

/**
 * A resource quantity in base units: cores for CPU (`500m` is 0.5), bytes for memory and
 * storage (`1Gi`, `512M`).
 *
 * @example
 * quantity('250m') // 0.25
 */
export function quantity(text: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(text))
  if (!match) throw new Error(`not a quantity: ${text}`)
  const factors: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  }
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? 1) : 1)
}
