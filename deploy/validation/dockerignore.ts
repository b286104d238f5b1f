import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './paths.ts'

interface Rule {
  pattern: RegExp
  exclude: boolean
}

/**
 * Whether a path of the build context reaches the build, by the repository's .dockerignore:
 * the last matching rule wins, `!` re-includes, `*` stays within one path segment and `**`
 * spans any number; a rule that matches a directory applies to everything under it.
 *
 * @example
 * isInContext('services/jobs-api/src/app.ts') // true
 */
export function isInContext(relativePath: string): boolean {
  let included = true
  const segments = relativePath.split('/')
  for (const rule of rules()) {
    const matches = segments.some((_, index) =>
      rule.pattern.test(segments.slice(0, index + 1).join('/')),
    )
    if (matches) included = !rule.exclude
  }
  return included
}

let cached: Rule[] | undefined

function rules(): Rule[] {
  cached ??= readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!')
      const glob = exclude ? line : line.slice(1)
      return { exclude, pattern: globPattern(glob.replace(/^\/+|\/+$/g, '')) }
    })
  return cached
}

function globPattern(glob: string): RegExp {
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const character = glob[index] ?? ''
    if (glob.startsWith('**/', index)) {
      source += '(?:.*/)?'
      index += 2
    } else if (glob.startsWith('**', index)) {
      source += '.*'
      index += 1
    } else if (character === '*') source += '[^/]*'
    else if (character === '?') source += '[^/]'
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}
