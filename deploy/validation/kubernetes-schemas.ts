import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Service } from 'kubernetes-models/v1/Service'
import { type KubeObject, objectId } from './manifest-files.ts'

interface SchemaModel {
  validate(): void
}

/**
 * The kinds the manifests may contain, each with its schema: the Kubernetes OpenAPI
 * definitions (kubernetes-models) and KEDA's ScaledObject CRD (@kubernetes-models/keda),
 * compiled to validators by ajv when those packages were built, so no network is needed.
 */
const models: Record<string, new (data: never) => SchemaModel> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
}

/** `apiVersion/kind` keys of the kinds with a schema, e.g. `apps/v1/Deployment`. */
export const validatedKinds = Object.keys(models)

/**
 * What the object's schema refuses, one line per problem with the object and the field; an
 * object of a kind without a schema is itself a problem.
 *
 * @example
 * schemaProblems(deployment) // ['Deployment/jobs-api/spec/replicas must be integer']
 */
export function schemaProblems(object: KubeObject): string[] {
  const id = objectId(object)
  const Model = models[`${object.apiVersion}/${object.kind}`]
  if (!Model) return [`${id}: no schema for ${object.apiVersion} ${object.kind}`]
  try {
    new Model(structuredClone(object) as never).validate()
    return []
  } catch (error) {
    const errors = (error as { errors?: Array<{ instancePath: string; message?: string }> }).errors
    if (!errors) return [`${id}: ${(error as Error).message}`]
    return errors.map((problem) => `${id}${problem.instancePath} ${problem.message ?? 'invalid'}`)
  }
}
