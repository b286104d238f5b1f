import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { applyJsonPatch, type JsonPatchOperation } from './json-patch.ts'
import { type KubeObject, readManifestFile } from './manifest-files.ts'

/**
 * The kustomization fields this renderer implements, with kustomize's meaning. A field outside
 * this list is refused rather than ignored, so that the manifests cannot quietly use a
 * feature whose rendering nobody checked.
 */
const supportedFields = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'configMapGenerator',
  'images',
  'replicas',
  'patches',
])

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'ReplicaSet'])
const clusterScopedKinds = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding'])

interface Kustomization {
  namespace?: string
  resources?: string[]
  labels?: Array<{
    pairs: Record<string, string>
    includeSelectors?: boolean
    includeTemplates?: boolean
  }>
  configMapGenerator?: Array<{
    name: string
    behavior?: 'create' | 'merge' | 'replace'
    envs?: string[]
    literals?: string[]
  }>
  images?: Array<{ name: string; newName?: string; newTag?: string }>
  replicas?: Array<{ name: string; count: number }>
  patches?: Array<{ target: { kind: string; name: string }; patch: string }>
}

interface Build {
  objects: KubeObject[]
  /** ConfigMaps made by a generator: their names get a content hash at the end. */
  generated: Set<KubeObject>
}

/** A kustomization this renderer cannot render; the message names the file and the field. */
export class KustomizeError extends Error {
  override readonly name = 'KustomizeError'
}

/**
 * Renders the kustomization in `directory` the way `kubectl kustomize` does, for the subset
 * of kustomize the manifests use: resources (files and directories), namespace, labels,
 * configMapGenerator (envs, literals, merge) with the content-hash name suffix and the
 * references to it, images, replicas and inline JSON 6902 patches.
 *
 * @example
 * const objects = renderKustomization('deploy/k8s/overlays/prod')
 */
export function renderKustomization(directory: string): KubeObject[] {
  const { objects, generated } = build(path.resolve(directory))
  const renamed = new Map<string, string>()
  for (const configMap of generated) {
    const name = configMap.metadata.name
    const suffixed = `${name}-${configMapHash(configMap)}`
    renamed.set(name, suffixed)
    configMap.metadata.name = suffixed
  }
  for (const object of objects) renameConfigMapReferences(object, renamed)
  return objects
}

/**
 * kustomize's name suffix for a generated ConfigMap: SHA-256 of its kind and data as Go
 * encodes JSON (sorted keys, HTML characters escaped), first ten hex digits, with 0, 1, 3, a
 * and e swapped for g, h, k, m and t so that no word appears. kustomize 5 hashes an empty name
 * (checked against its output: see the renderer's tests).
 */
export function configMapHash(configMap: KubeObject): string {
  const data = sortedRecord((configMap.data ?? {}) as Record<string, string>)
  const json = goJson({ data, kind: 'ConfigMap', name: '' })
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10)
  const swaps: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' }
  return hex.replace(/[013ae]/g, (digit) => swaps[digit] ?? digit)
}

function build(directory: string): Build {
  const file = path.join(directory, 'kustomization.yaml')
  if (!existsSync(file)) throw new KustomizeError(`${directory}: no kustomization.yaml`)
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization
  for (const field of Object.keys(kustomization)) {
    if (!supportedFields.has(field)) throw new KustomizeError(`${file}: unsupported ${field}`)
  }

  const result: Build = { objects: [], generated: new Set() }
  for (const resource of kustomization.resources ?? []) {
    const target = path.resolve(directory, resource)
    if (statSync(target).isDirectory()) {
      const nested = build(target)
      result.objects.push(...nested.objects)
      for (const object of nested.generated) result.generated.add(object)
    } else {
      result.objects.push(...readManifestFile(target))
    }
  }

  for (const generator of kustomization.configMapGenerator ?? []) {
    generateConfigMap(result, generator, directory, file)
  }
  for (const patch of kustomization.patches ?? []) applyPatch(result.objects, patch, file)
  if (kustomization.namespace) setNamespace(result.objects, kustomization.namespace)
  for (const label of kustomization.labels ?? []) {
    // Selectors are immutable and templates carry their own labels: metadata only.
    if (label.includeSelectors || label.includeTemplates) {
      throw new KustomizeError(`${file}: labels apply to metadata only here`)
    }
    for (const object of result.objects) {
      object.metadata.labels = { ...object.metadata.labels, ...label.pairs }
    }
  }
  for (const replica of kustomization.replicas ?? []) setReplicas(result.objects, replica, file)
  for (const image of kustomization.images ?? []) {
    // kustomize reads these into Go strings and refuses a tag written as a number (1.0).
    for (const field of ['name', 'newName', 'newTag'] as const) {
      const value: unknown = image[field]
      if (value !== undefined && typeof value !== 'string') {
        throw new KustomizeError(`${file}: images ${field} ${value} is not a string; quote it`)
      }
    }
    setImage(result.objects, image)
  }
  return result
}

function generateConfigMap(
  result: Build,
  generator: NonNullable<Kustomization['configMapGenerator']>[number],
  directory: string,
  file: string,
): void {
  const data: Record<string, string> = {}
  for (const envFile of generator.envs ?? []) {
    Object.assign(data, parseEnvFile(path.resolve(directory, envFile)))
  }
  for (const literal of generator.literals ?? []) Object.assign(data, parseEnvLine(literal, file))

  const existing = [...result.generated].find((object) => object.metadata.name === generator.name)
  const behavior = generator.behavior ?? 'create'
  if (behavior === 'create') {
    if (existing) throw new KustomizeError(`${file}: ConfigMap ${generator.name} exists`)
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data: sortedRecord(data),
    }
    result.objects.push(configMap)
    result.generated.add(configMap)
    return
  }
  if (!existing) throw new KustomizeError(`${file}: no ConfigMap ${generator.name} to ${behavior}`)
  const base = behavior === 'merge' ? (existing.data as Record<string, string>) : {}
  existing.data = sortedRecord({ ...base, ...data })
}

/** kustomize's env files: KEY=VALUE lines, `#` comments and blank lines skipped, no quoting. */
export function parseEnvFile(file: string): Record<string, string> {
  const data: Record<string, string> = {}
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trimStart()
    if (line === '' || line.startsWith('#')) continue
    Object.assign(data, parseEnvLine(line, file))
  }
  return data
}

function parseEnvLine(line: string, file: string): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
  if (!match?.[1] || match[2] === undefined || /^["']/.test(match[2])) {
    throw new KustomizeError(`${file}: not a plain KEY=VALUE line: ${line}`)
  }
  return { [match[1]]: match[2] }
}

function applyPatch(
  objects: KubeObject[],
  patch: NonNullable<Kustomization['patches']>[number],
  file: string,
): void {
  const operations = parse(patch.patch) as JsonPatchOperation[]
  if (!Array.isArray(operations)) {
    throw new KustomizeError(`${file}: only JSON 6902 patches (a list of operations) are supported`)
  }
  const { kind, name } = patch.target
  const targets = objects.filter((o) => o.kind === kind && o.metadata.name === name)
  if (targets.length === 0) throw new KustomizeError(`${file}: no ${kind} ${name} to patch`)
  for (const target of targets) applyJsonPatch(target, operations)
}

function setNamespace(objects: KubeObject[], namespace: string): void {
  for (const object of objects) {
    if (!clusterScopedKinds.has(object.kind)) object.metadata.namespace = namespace
  }
}

function setReplicas(
  objects: KubeObject[],
  replica: { name: string; count: number },
  file: string,
) {
  const targets = objects.filter(
    (o) => workloadKinds.has(o.kind) && o.metadata.name === replica.name,
  )
  if (targets.length === 0) throw new KustomizeError(`${file}: no workload ${replica.name}`)
  for (const target of targets) (target.spec as Record<string, unknown>).replicas = replica.count
}

function setImage(
  objects: KubeObject[],
  image: { name: string; newName?: string; newTag?: string },
) {
  for (const container of podContainers(objects)) {
    const current = container.image
    if (typeof current !== 'string') continue
    const [name, tag] = splitImage(current)
    if (name !== image.name) continue
    const newTag = image.newTag ?? tag
    container.image = `${image.newName ?? name}${newTag === undefined ? '' : `:${newTag}`}`
  }
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':')
  if (colon <= image.lastIndexOf('/')) return [image, undefined]
  return [image.slice(0, colon), image.slice(colon + 1)]
}

function renameConfigMapReferences(object: KubeObject, renamed: Map<string, string>): void {
  const rename = (reference: { name?: string } | undefined) => {
    const name = reference?.name
    const suffixed = name === undefined ? undefined : renamed.get(name)
    if (reference && suffixed) reference.name = suffixed
  }
  for (const container of podContainers([object])) {
    for (const source of (container.envFrom ?? []) as Array<{ configMapRef?: { name?: string } }>) {
      rename(source.configMapRef)
    }
    const env = (container.env ?? []) as Array<{ valueFrom?: { configMapKeyRef?: object } }>
    for (const variable of env) rename(variable.valueFrom?.configMapKeyRef)
  }
  const volumes = (podSpec(object)?.volumes ?? []) as Array<{ configMap?: { name?: string } }>
  for (const volume of volumes) rename(volume.configMap)
}

function podSpec(object: KubeObject): Record<string, unknown> | undefined {
  if (!workloadKinds.has(object.kind)) return undefined
  const spec = object.spec as { template?: { spec?: Record<string, unknown> } } | undefined
  return spec?.template?.spec
}

function podContainers(objects: KubeObject[]): Array<Record<string, unknown>> {
  return objects.flatMap((object) => {
    const spec = podSpec(object)
    const containers = [...((spec?.containers ?? []) as object[])]
    containers.push(...((spec?.initContainers ?? []) as object[]))
    return containers as Array<Record<string, unknown>>
  })
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** JSON as Go's encoding/json writes it: `<`, `>`, `&` and the line separators escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}
