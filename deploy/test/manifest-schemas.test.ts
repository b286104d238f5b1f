import t from 'tap'
import { unknownFields } from '../validation/known-fields.ts'
import { schemaProblems, validatedKinds } from '../validation/kubernetes-schemas.ts'
import { type KubeObject, objectId, readManifestFile } from '../validation/manifest-files.ts'
import { overlay, overlayNames } from '../validation/overlays.ts'
import { k8sDir } from '../validation/paths.ts'

// Every object a cluster would receive, plus the Secret that prod expects to exist.
const objects: Array<[source: string, object: KubeObject]> = [
  ...overlayNames.flatMap((name) =>
    overlay(name).objects.map((object): [string, KubeObject] => [name, object]),
  ),
  ...readManifestFile(`${k8sDir}/overlays/prod/secret.example.yaml`).map(
    (object): [string, KubeObject] => ['prod/secret.example.yaml', object],
  ),
]

t.test('every rendered object is valid against its Kubernetes or KEDA schema', async (t) => {
  for (const [source, object] of objects) {
    t.same(schemaProblems(object), [], `${source}: ${objectId(object)}`)
  }
})

t.test('no rendered object has a field its type does not define', async (t) => {
  for (const [source, object] of objects) {
    t.same(unknownFields(object), [], `${source}: ${objectId(object)}`)
  }
})

t.test('the overlays hold only kinds with a schema, and every such kind', async (t) => {
  const kinds = new Set(objects.map(([, object]) => `${object.apiVersion}/${object.kind}`))
  t.same([...kinds].sort(), [...validatedKinds].sort())
})

t.test('a broken manifest is caught by the schemas and the field check', async (t) => {
  const deployment = structuredClone(overlay('prod').objects.find((o) => o.kind === 'Deployment'))
  if (!deployment) throw new Error('prod has no Deployment')
  const spec = deployment.spec as {
    replicas: unknown
    template: { spec: { containers: object[] } }
  }
  spec.replicas = 'two'
  Object.assign(spec.template.spec.containers[0] ?? {}, { readinesProbe: {} })
  t.match(schemaProblems(deployment), [/\/spec\/replicas must be integer$/])
  t.match(unknownFields(deployment), [/\/containers\/0\/readinesProbe$/])

  const scaledObject = structuredClone(
    overlay('prod').objects.find((o) => o.kind === 'ScaledObject'),
  )
  if (!scaledObject) throw new Error('prod has no ScaledObject')
  Object.assign(scaledObject.spec as object, { minReplicaCount: '1' })
  t.match(schemaProblems(scaledObject), [/\/spec\/minReplicaCount must be integer$/])
})
