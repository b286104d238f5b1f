import t from 'tap'
import { applyJsonPatch, JsonPatchError } from '../validation/json-patch.ts'
import { configMapHash, KustomizeError, renderKustomization } from '../validation/kustomize.ts'

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: shop/api
          envFrom:
            - configMapRef:
                name: settings
`

t.test('a generated ConfigMap gets the hash suffix kustomize 5 gives the same data', async (t) => {
  // kubectl kustomize (kustomize v5.5.0) named this ConfigMap tella-common-h55928bmh6.
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'tella-common' },
    data: {
      NATS_URL: 'nats://nats.nats.svc.cluster.local:4222',
      LOG_LEVEL: 'info',
      STAGE_ACK_WAIT_MS: '30000',
      STAGE_MAX_ATTEMPTS: '5',
    },
  }
  t.equal(configMapHash(configMap), 'h55928bmh6')
})

t.test('references to a generated ConfigMap follow its hashed name', async (t) => {
  const dir = t.testdir({
    'kustomization.yaml': `
resources: [api.yaml]
configMapGenerator:
  - name: settings
    envs: [settings.env]
`,
    'api.yaml': deployment,
    'settings.env': '# a comment\n\nPORT=3000\nURL=http://a/?b=1&c=2\n',
  })
  const [api, configMap] = renderKustomization(dir)
  t.match(configMap, { kind: 'ConfigMap', data: { PORT: '3000', URL: 'http://a/?b=1&c=2' } })
  t.match(configMap?.metadata.name, /^settings-[a-z0-9]{10}$/)
  t.same(api?.spec, {
    template: {
      spec: {
        containers: [
          {
            name: 'api',
            image: 'shop/api',
            envFrom: [{ configMapRef: { name: configMap?.metadata.name } }],
          },
        ],
      },
    },
  })
})

t.test(
  'an overlay merges into the base ConfigMap, re-hashes it and applies its fields',
  async (t) => {
    const dir = t.testdir({
      base: {
        'kustomization.yaml': `
labels:
  - pairs: { tier: backend }
resources: [api.yaml]
configMapGenerator:
  - name: settings
    literals: [PORT=3000, LOG_LEVEL=info]
`,
        'api.yaml': deployment,
      },
      overlay: {
        'kustomization.yaml': `
namespace: shop
resources: [../base]
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [LOG_LEVEL=debug]
images:
  - name: shop/api
    newName: registry.example.com/shop/api
    newTag: 1.0.2
replicas:
  - name: api
    count: 3
patches:
  - target: { kind: Deployment, name: api }
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args
        value: [--verbose]
`,
      },
    })
    const base = renderKustomization(`${dir}/base`)
    const [api, configMap] = renderKustomization(`${dir}/overlay`)
    t.same(configMap?.data, { LOG_LEVEL: 'debug', PORT: '3000' })
    t.not(configMap?.metadata.name, base[1]?.metadata.name, 'new data, new name')
    t.match(api, {
      metadata: { name: 'api', namespace: 'shop', labels: { tier: 'backend' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              {
                image: 'registry.example.com/shop/api:1.0.2',
                args: ['--verbose'],
                envFrom: [{ configMapRef: { name: configMap?.metadata.name } }],
              },
            ],
          },
        },
      },
    })
  },
)

t.test('a kustomization field outside the supported subset is refused, not ignored', async (t) => {
  const dir = t.testdir({ 'kustomization.yaml': 'namePrefix: shop-\nresources: []\n' })
  t.throws(
    () => renderKustomization(dir),
    new KustomizeError(`${dir}/kustomization.yaml: unsupported namePrefix`),
  )
})

t.test(
  'an image tag written as a number is refused, as kubectl kustomize refuses it',
  async (t) => {
    const dir = t.testdir({
      'kustomization.yaml': 'resources: [api.yaml]\nimages:\n  - name: shop/api\n    newTag: 1.0\n',
      'api.yaml': deployment,
    })
    t.throws(() => renderKustomization(dir), /images newTag 1 is not a string; quote it/)
  },
)

t.test(
  'an env file line with quotes is refused: kustomize would keep them in the value',
  async (t) => {
    const dir = t.testdir({
      'kustomization.yaml': 'configMapGenerator:\n  - name: a\n    envs: [a.env]\n',
      'a.env': 'NAME="quoted"\n',
    })
    t.throws(() => renderKustomization(dir), KustomizeError)
  },
)

t.test('a patch whose target does not exist fails the render', async (t) => {
  const dir = t.testdir({
    'kustomization.yaml': `
resources: [api.yaml]
patches:
  - target: { kind: Deployment, name: web }
    patch: '[{"op": "remove", "path": "/spec"}]'
`,
    'api.yaml': deployment,
  })
  t.throws(() => renderKustomization(dir), /no Deployment web to patch/)
})

t.test('JSON patches add, replace and remove, and refuse paths that lead nowhere', async (t) => {
  const document = { spec: { list: [1, 3], value: 'a' } }
  applyJsonPatch(document, [
    { op: 'add', path: '/spec/list/1', value: 2 },
    { op: 'add', path: '/spec/list/-', value: 4 },
    { op: 'replace', path: '/spec/value', value: 'b' },
    { op: 'add', path: '/spec/a~1b', value: true },
    { op: 'remove', path: '/spec/a~1b' },
  ])
  t.same(document, { spec: { list: [1, 2, 3, 4], value: 'b' } })
  t.throws(
    () => applyJsonPatch(document, [{ op: 'replace', path: '/spec/nothing', value: 1 }]),
    JsonPatchError,
  )
  t.throws(
    () => applyJsonPatch(document, [{ op: 'add', path: '/none/x', value: 1 }]),
    JsonPatchError,
  )
  t.throws(() => applyJsonPatch(document, [{ op: 'move', path: '/spec/value' }]), JsonPatchError)
})
