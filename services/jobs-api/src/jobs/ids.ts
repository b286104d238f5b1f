import { randomBytes } from 'node:crypto'

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** Prefixed random ids like the reference's `job_abc123`: 20 base62 characters, ~119 bits. */
export function newId(prefix: 'job' | 'note' | 'course'): string {
  const bytes = randomBytes(20)
  let body = ''
  for (const byte of bytes) body += alphabet[byte % alphabet.length]
  return `${prefix}_${body}`
}

const idPattern = /^(job|note|course)_[A-Za-z0-9]{1,64}$/u

/** True when `value` has the shape of an id with that prefix (whether or not it exists). */
export function isId(prefix: 'job' | 'note' | 'course', value: string): boolean {
  return idPattern.test(value) && value.startsWith(`${prefix}_`)
}
