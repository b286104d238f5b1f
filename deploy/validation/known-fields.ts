import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { type KubeObject, objectId } from './manifest-files.ts'

/**
 * The OpenAPI schemas accept fields they do not define (a typo such as `readinesProbe`
 * passes them), while the API server refuses such fields under kubectl's strict validation.
 * kubernetes-models declares every kind as a TypeScript interface generated from the same
 * definitions, so the TypeScript checker can tell, field by field, what each type defines.
 */
const kindTypes: Record<string, [module: string, name: string]> = {
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'policy/v1/PodDisruptionBudget': [
    'kubernetes-models/policy/v1/PodDisruptionBudget',
    'IPodDisruptionBudget',
  ],
  'keda.sh/v1alpha1/ScaledObject': [
    '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
    'IScaledObject',
  ],
}

let cached: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined

/**
 * Fields of the object that its Kubernetes type does not define, as `Kind/name` plus the
 * JSON path of each. Maps (labels, ConfigMap data, trigger metadata) accept any key.
 *
 * @example
 * unknownFields(deployment)
 * // ['Deployment/jobs-api/spec/template/spec/containers/0/readinesProbe']
 */
export function unknownFields(object: KubeObject): string[] {
  cached ??= loadTypes()
  const { checker, types } = cached
  const type = types.get(`${object.apiVersion}/${object.kind}`)
  if (!type) return [`${objectId(object)}: no type for ${object.apiVersion} ${object.kind}`]
  const problems: string[] = []
  walk(checker, object, type, objectId(object), problems)
  return problems
}

function loadTypes() {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const entry = path.join(here, '__kubernetes-kinds__.ts')
  const source = Object.entries(kindTypes)
    .map(([, [module, name]], index) => `export type { ${name} as K${index} } from '${module}'`)
    .join('\n')

  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // The declarations need only the language's own types; the DOM's would double the work.
    lib: ['lib.es2022.d.ts'],
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (file, language, ...rest) =>
    file === entry
      ? ts.createSourceFile(file, source, language)
      : getSourceFile(file, language, ...rest)
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (file) => file === entry || fileExists(file)

  const program = ts.createProgram([entry], options, host)
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(entry)
  const moduleSymbol = file && checker.getSymbolAtLocation(file)
  if (!moduleSymbol) throw new Error('the kubernetes-models declarations did not load')

  const types = new Map<string, ts.Type>()
  const exported = checker.getExportsOfModule(moduleSymbol)
  Object.keys(kindTypes).forEach((kind, index) => {
    const symbol = exported.find((candidate) => candidate.name === `K${index}`)
    const declared = symbol && checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol))
    if (!declared || declared.flags & ts.TypeFlags.Any) {
      throw new Error(`no declaration for ${kind} in ${kindTypes[kind]?.[0]}`)
    }
    types.set(kind, declared)
  })
  return { checker, types }
}

function walk(
  checker: ts.TypeChecker,
  value: unknown,
  declared: ts.Type,
  at: string,
  problems: string[],
): void {
  const type = objectMember(checker, checker.getNonNullableType(declared))
  if (type === undefined || typeof value !== 'object' || value === null) return

  if (Array.isArray(value)) {
    if (!checker.isArrayType(type)) return
    const [item] = checker.getTypeArguments(type as ts.TypeReference)
    if (!item) return
    for (const [index, entry] of value.entries()) {
      walk(checker, entry, item, `${at}/${index}`, problems)
    }
    return
  }

  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String)
  for (const [key, member] of Object.entries(value)) {
    const property = checker.getPropertyOfType(type, key)
    if (property) walk(checker, member, checker.getTypeOfSymbol(property), `${at}/${key}`, problems)
    else if (index) walk(checker, member, index.type, `${at}/${key}`, problems)
    else problems.push(`${at}/${key}`)
  }
}

/** The one object type of a union such as `T | undefined`; none where it is ambiguous. */
function objectMember(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined
  if (!type.isUnion()) return type.flags & ts.TypeFlags.Object ? type : undefined
  const objects = type.types.filter((member) => member.flags & ts.TypeFlags.Object)
  return objects.length === 1 && objects[0] ? checker.getNonNullableType(objects[0]) : undefined
}
