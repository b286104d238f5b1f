import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'

/**
 * What this project asks of every workload beyond what Kubernetes accepts, as JSON Schemas:
 * probes on the services' own endpoints, requests and limits, a non-root and read-only
 * container, scrape annotations and a grace period. Validated with ajv.
 */
const probe = (path: string) => ({
  type: 'object',
  required: ['httpGet'],
  properties: {
    httpGet: {
      type: 'object',
      required: ['path', 'port'],
      properties: { path: { const: path }, port: { type: 'string' } },
    },
  },
})

const quantities = {
  type: 'object',
  required: ['cpu', 'memory'],
  properties: { cpu: { type: 'string' }, memory: { type: 'string' } },
}

const container = {
  type: 'object',
  required: ['image', 'ports', 'livenessProbe', 'readinessProbe', 'resources', 'securityContext'],
  properties: {
    image: { type: 'string' },
    ports: { type: 'array', minItems: 1 },
    livenessProbe: probe('/healthz'),
    readinessProbe: probe('/readyz'),
    resources: {
      type: 'object',
      required: ['requests', 'limits'],
      properties: { requests: quantities, limits: quantities },
    },
    securityContext: {
      type: 'object',
      required: ['allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'capabilities'],
      properties: {
        allowPrivilegeEscalation: { const: false },
        readOnlyRootFilesystem: { const: true },
        runAsUser: { type: 'integer', minimum: 1 },
        capabilities: {
          type: 'object',
          required: ['drop'],
          properties: { drop: { type: 'array', contains: { const: 'ALL' } } },
        },
      },
    },
  },
}

export const deploymentPolicy = {
  $id: 'tella-imports/deployment-policy',
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        template: {
          type: 'object',
          required: ['metadata', 'spec'],
          properties: {
            metadata: {
              type: 'object',
              required: ['annotations'],
              properties: {
                annotations: {
                  type: 'object',
                  required: ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path'],
                  properties: {
                    'prometheus.io/scrape': { const: 'true' },
                    'prometheus.io/port': { type: 'string', pattern: '^[0-9]+$' },
                    'prometheus.io/path': { const: '/metrics' },
                  },
                },
              },
            },
            spec: {
              type: 'object',
              required: ['securityContext', 'containers', 'terminationGracePeriodSeconds'],
              properties: {
                automountServiceAccountToken: { const: false },
                terminationGracePeriodSeconds: { type: 'integer', minimum: 1 },
                securityContext: {
                  type: 'object',
                  required: ['runAsNonRoot', 'runAsUser'],
                  properties: {
                    runAsNonRoot: { const: true },
                    runAsUser: { type: 'integer', minimum: 1 },
                  },
                },
                containers: { type: 'array', minItems: 1, items: container },
              },
            },
          },
        },
      },
    },
  },
}

/**
 * The `nats-jetstream` trigger's metadata as KEDA documents it (keda.sh, scalers,
 * NATS JetStream). The ScaledObject CRD types metadata as a map of strings and cannot say
 * which keys this scaler needs; this schema does, and refuses keys it does not know.
 */
export const natsJetStreamTriggerPolicy = {
  $id: 'tella-imports/nats-jetstream-trigger',
  type: 'object',
  required: ['type', 'metadata'],
  properties: {
    type: { const: 'nats-jetstream' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['natsServerMonitoringEndpoint', 'account', 'stream', 'consumer', 'lagThreshold'],
      properties: {
        // host:port; KEDA adds the scheme (useHttps) and the /jsz path itself.
        natsServerMonitoringEndpoint: { type: 'string', pattern: '^[a-z0-9.-]+:[0-9]+$' },
        account: { type: 'string', minLength: 1 },
        stream: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
        consumer: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
        lagThreshold: { type: 'string', pattern: '^[1-9][0-9]*$' },
        activationLagThreshold: { type: 'string', pattern: '^[0-9]+$' },
        useHttps: { enum: ['true', 'false'] },
      },
    },
  },
}

/**
 * Values of the settings that name servers: URLs with the scheme their client expects. The
 * services' own schemas take any string there, so a typo would surface only at connect time.
 */
export const settingsPolicy = {
  $id: 'tella-imports/settings',
  type: 'object',
  properties: {
    NATS_URL: { type: 'string', format: 'uri', pattern: '^nats://' },
    DATABASE_URL: { type: 'string', format: 'uri', pattern: '^postgres(ql)?://' },
    OPENAI_SUMMARY_BASE_URL: { type: 'string', format: 'uri', pattern: '^https?://' },
    OPENAI_TRANSCRIBE_BASE_URL: { type: 'string', format: 'uri', pattern: '^https?://' },
  },
}

const ajv = new Ajv({ allErrors: true, strict: true })
addFormats.default(ajv)

/**
 * The ways `value` breaks `schema`, each as `<id><json path> <message>`; empty when it holds.
 *
 * @example
 * policyProblems(deploymentPolicy, deployment, 'Deployment/jobs-api')
 */
export function policyProblems(schema: { $id: string }, value: unknown, id: string): string[] {
  const validate = ajv.getSchema(schema.$id) ?? compile(schema)
  if (validate(value)) return []
  return (validate.errors ?? []).map((error: ErrorObject) => `${id}${describe(error)}`)
}

function compile(schema: { $id: string }) {
  ajv.addSchema(schema)
  const validate = ajv.getSchema(schema.$id)
  if (!validate) throw new Error(`schema ${schema.$id} did not compile`)
  return validate
}

function describe(error: ErrorObject): string {
  const detail =
    error.keyword === 'additionalProperties' ? ` (${JSON.stringify(error.params)})` : ''
  return `${error.instancePath} ${error.message ?? 'invalid'}${detail}`
}
