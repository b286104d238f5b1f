import { existsSync } from 'node:fs'
import path from 'node:path'
import { renderKustomization } from './kustomize.ts'
import { type KubeObject, readManifestFile } from './manifest-files.ts'
import { k8sDir } from './paths.ts'

/** The overlays a cluster is deployed with: `kubectl apply -k deploy/k8s/overlays/<name>`. */
export const overlayNames = ['dev', 'prod'] as const
export type OverlayName = (typeof overlayNames)[number]

export interface Overlay {
  name: OverlayName
  directory: string
  /** What `kubectl kustomize` renders for the overlay. */
  objects: KubeObject[]
  /**
   * The Secrets the rendered objects may reference: those rendered, plus the documented
   * example of one the overlay expects to exist already (`secret.example.yaml`).
   */
  secrets: KubeObject[]
}

const rendered = new Map<OverlayName, Overlay>()

/**
 * Renders an overlay once per process; the checks share the result read-only.
 *
 * @example
 * const { objects } = overlay('prod')
 */
export function overlay(name: OverlayName): Overlay {
  const cached = rendered.get(name)
  if (cached) return cached
  const directory = path.join(k8sDir, 'overlays', name)
  const objects = renderKustomization(directory)
  const example = path.join(directory, 'secret.example.yaml')
  const expected = existsSync(example) ? readManifestFile(example) : []
  const secrets = [...objects.filter((object) => object.kind === 'Secret'), ...expected]
  const result = { name, directory, objects, secrets }
  rendered.set(name, result)
  return result
}

/**
 * The objects of one kind, typed as kubernetes-models declares that kind; the schema checks
 * hold them to it.
 *
 * @example
 * const deployments = ofKind<IDeployment>(objects, 'Deployment')
 */
export function ofKind<T>(objects: KubeObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[]
}
