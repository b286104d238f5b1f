import type { IContainer } from 'kubernetes-models/v1/Container'
import type { KubeObject } from './manifest-files.ts'

export interface ContainerEnv {
  /** Every variable the manifests give the container, with the value it would have. */
  values: Record<string, string>
  /** References that resolve to nothing: a missing ConfigMap or Secret, or a required key. */
  problems: string[]
}

/**
 * The environment Kubernetes would give a container: `envFrom` ConfigMaps and Secrets first,
 * then `env` entries (literal values, ConfigMap keys, Secret keys), later ones winning. An
 * optional reference to something absent is left out, as the kubelet does.
 *
 * @example
 * const { values, problems } = containerEnv(container, overlay.objects, overlay.secrets)
 */
export function containerEnv(
  container: IContainer,
  objects: KubeObject[],
  secrets: KubeObject[],
): ContainerEnv {
  const values: Record<string, string> = {}
  const problems: string[] = []
  const configMap = (name: string) => find(objects, 'ConfigMap', name, configMapData)
  const secret = (name: string) => find(secrets, 'Secret', name, secretData)

  for (const source of container.envFrom ?? []) {
    const reference = source.configMapRef ?? source.secretRef
    const data = source.configMapRef
      ? configMap(reference?.name ?? '')
      : secret(reference?.name ?? '')
    if (data) Object.assign(values, data)
    else if (!reference?.optional) problems.push(`${container.name}: no ${reference?.name}`)
  }

  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      values[variable.name] = variable.value
      continue
    }
    const from = variable.valueFrom
    const reference = from?.configMapKeyRef ?? from?.secretKeyRef
    if (!reference) continue
    const data = from?.configMapKeyRef
      ? configMap(reference.name ?? '')
      : secret(reference.name ?? '')
    const value = data?.[reference.key]
    if (value !== undefined) values[variable.name] = value
    else if (!reference.optional) {
      problems.push(`${container.name}: ${variable.name} from ${reference.name}/${reference.key}`)
    }
  }
  return { values, problems }
}

function find(
  objects: KubeObject[],
  kind: string,
  name: string,
  read: (object: KubeObject) => Record<string, string>,
): Record<string, string> | undefined {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name)
  return object ? read(object) : undefined
}

function configMapData(object: KubeObject): Record<string, string> {
  return (object.data ?? {}) as Record<string, string>
}

function secretData(object: KubeObject): Record<string, string> {
  const encoded = (object.data ?? {}) as Record<string, string>
  const decoded = Object.fromEntries(
    Object.entries(encoded).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  )
  return { ...decoded, ...((object.stringData ?? {}) as Record<string, string>) }
}
