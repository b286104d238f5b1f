import { readFileSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'

/** A Kubernetes object as written in a manifest; the schemas check the rest. */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  [field: string]: unknown
}

/**
 * Reads every document of a YAML manifest file, refusing syntax errors and documents that are
 * not objects with apiVersion, kind and metadata.name.
 *
 * @example
 * const [deployment, service] = readManifestFile('deploy/k8s/base/jobs-api.yaml')
 */
export function readManifestFile(file: string): KubeObject[] {
  return parseManifests(readFileSync(file, 'utf8'), file)
}

/** The objects of a multi-document YAML text, such as `kubectl kustomize` prints. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = []
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`)
    }
    const value = document.toJS() as unknown
    if (value === null) continue
    if (!isKubeObject(value)) throw new Error(`${source}: a document is not a Kubernetes object`)
    objects.push(value)
  }
  return objects
}

/** `Kind/namespace/name`, how the tests name an object in their messages. */
export function objectId(object: KubeObject): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}/` : ''
  return `${object.kind}/${namespace}${object.metadata.name}`
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false
  const object = value as Partial<KubeObject>
  return (
    typeof object.apiVersion === 'string' &&
    typeof object.kind === 'string' &&
    typeof object.metadata?.name === 'string'
  )
}
