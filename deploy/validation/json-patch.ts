/** One operation of an RFC 6902 JSON patch, as kustomize's `patches` entries write them. */
export interface JsonPatchOperation {
  op: string
  path: string
  value?: unknown
}

type Container = Record<string, unknown> | unknown[]

/** A patch that cannot apply: the message names the operation and the path. */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError'
}

/**
 * Applies `add`, `remove` and `replace` operations to `document` in place, in order. Other
 * operations (`move`, `copy`, `test`) are outside what the manifests use and are refused.
 *
 * @example
 * applyJsonPatch(scaledObject, [{ op: 'replace', path: '/spec/maxReplicaCount', value: 2 }])
 */
export function applyJsonPatch(document: object, operations: JsonPatchOperation[]): void {
  for (const operation of operations) {
    const tokens = parsePointer(operation.path)
    const last = tokens.pop()
    if (last === undefined) throw new JsonPatchError(`${operation.op} of the whole document`)
    const parent = resolve(document, tokens, operation)

    switch (operation.op) {
      case 'add':
        add(parent, last, structuredClone(operation.value), operation)
        break
      case 'replace':
        requireMember(parent, last, operation)
        set(parent, last, structuredClone(operation.value))
        break
      case 'remove':
        requireMember(parent, last, operation)
        if (Array.isArray(parent)) parent.splice(Number(last), 1)
        else delete parent[last]
        break
      default:
        throw new JsonPatchError(`unsupported operation ${operation.op} at ${operation.path}`)
    }
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new JsonPatchError(`path ${pointer} does not start with /`)
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}

function resolve(document: object, tokens: string[], operation: JsonPatchOperation): Container {
  let current: unknown = document
  for (const token of tokens) {
    if (!isContainer(current) || !hasMember(current, token)) {
      throw new JsonPatchError(`${operation.op} ${operation.path}: no ${token} on the way`)
    }
    current = Array.isArray(current) ? current[Number(token)] : current[token]
  }
  if (!isContainer(current)) {
    throw new JsonPatchError(`${operation.op} ${operation.path}: parent is not an object`)
  }
  return current
}

function add(parent: Container, key: string, value: unknown, operation: JsonPatchOperation) {
  if (!Array.isArray(parent)) {
    parent[key] = value
    return
  }
  const index = key === '-' ? parent.length : Number(key)
  if (!Number.isInteger(index) || index < 0 || index > parent.length) {
    throw new JsonPatchError(`add ${operation.path}: index out of range`)
  }
  parent.splice(index, 0, value)
}

function set(parent: Container, key: string, value: unknown) {
  if (Array.isArray(parent)) parent[Number(key)] = value
  else parent[key] = value
}

function requireMember(parent: Container, key: string, operation: JsonPatchOperation) {
  if (!hasMember(parent, key)) {
    throw new JsonPatchError(`${operation.op} ${operation.path}: nothing there`)
  }
}

function hasMember(container: Container, key: string): boolean {
  if (!Array.isArray(container)) return Object.hasOwn(container, key)
  const index = Number(key)
  return /^\d+$/.test(key) && index < container.length
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null
}
