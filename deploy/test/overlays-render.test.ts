import { execFileSync } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { renderKustomization } from '../validation/kustomize.ts'
import { type KubeObject, objectId, parseManifests } from '../validation/manifest-files.ts'
import { overlay, overlayNames } from '../validation/overlays.ts'
import { k8sDir } from '../validation/paths.ts'

const kustomizations = ['base', ...overlayNames.map((name) => `overlays/${name}`)]

t.test('every overlay renders the four services in its own namespace', async (t) => {
  for (const name of overlayNames) {
    const { objects } = overlay(name)
    const namespaces = new Set(objects.map((object) => object.metadata.namespace))
    t.same([...namespaces], [name === 'prod' ? 'tella-imports' : 'tella-dev'], name)
    const deployments = objects.filter((object) => object.kind === 'Deployment')
    t.same(deployments.map((d) => d.metadata.name).sort(), [
      'downloader',
      'jobs-api',
      'summarizer',
      'transcriber',
    ])
    const ids = objects.map(objectId)
    t.equal(new Set(ids).size, ids.length, `${name}: no object twice`)
  }
})

const kubectl = kustomizeVersion()
const noKubectl = 'no kubectl with kustomize 5 here: the renderer alone is checked'

t.test(
  'the renderer gives what kubectl kustomize gives, object for object',
  {
    skip: kubectl ? false : noKubectl,
  },
  async (t) => {
    t.comment(`compared with kubectl kustomize ${kubectl}`)
    for (const name of kustomizations) {
      const directory = path.join(k8sDir, name)
      const ours = byId(renderKustomization(directory))
      const output = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8' })
      const theirs = byId(parseManifests(output, `kubectl kustomize ${name}`))
      t.same([...ours.keys()].sort(), [...theirs.keys()].sort(), `${name}: the same objects`)
      for (const [id, object] of ours) t.strictSame(object, theirs.get(id), `${name}: ${id}`)
    }
  },
)

function byId(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((object) => [objectId(object), object]))
}

/** kubectl's kustomize version, when kubectl is installed and embeds kustomize 5 or later. */
function kustomizeVersion(): string | undefined {
  try {
    const output = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' })
    const version = /Kustomize Version: (v(\d+)\S*)/.exec(output)
    return version?.[1] && Number(version[2]) >= 5 ? version[1] : undefined
  } catch {
    return undefined
  }
}
