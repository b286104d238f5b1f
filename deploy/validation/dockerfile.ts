import { readFileSync } from 'node:fs'

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN, … */
  keyword: string
  /** The rest of the instruction, continuation lines joined. */
  args: string
}

export interface Stage {
  /** The base image, with build arguments replaced by their defaults. */
  from: string
  name: string | undefined
  instructions: Instruction[]
}

export interface Dockerfile {
  /** `ARG`s declared before the first FROM, with their defaults. */
  args: Record<string, string>
  stages: Stage[]
}

/**
 * Reads a Dockerfile into its stages: comments dropped, continuation lines joined, the base
 * image of each stage resolved against the global build arguments' defaults.
 *
 * @example
 * const { stages } = readDockerfile('deploy/images/downloader.Dockerfile')
 * stages.at(-1)?.from // 'node:26-bookworm-slim'
 */
export function readDockerfile(file: string): Dockerfile {
  const result: Dockerfile = { args: {}, stages: [] }
  for (const instruction of instructions(readFileSync(file, 'utf8'))) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/)
      const from = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => result.args[arg] ?? '')
      result.stages.push({
        from,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      })
    } else if (result.stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=')
      result.args[name] = value
    } else {
      result.stages.at(-1)?.instructions.push(instruction)
    }
  }
  return result
}

/** The instructions of one keyword in a stage. */
export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)
}

/** `ENV` variables a stage sets, in `NAME=value` form as the images write them. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const args of argsOf(stage, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const [name = '', ...value] = pair.split('=')
      env[name] = value.join('=')
    }
  }
  return env
}

/** A COPY's sources and destination; `from` names the stage it copies from, if any. */
export function copiesOf(
  stage: Stage,
): Array<{ from?: string; sources: string[]; target: string }> {
  return argsOf(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/)
    const flags = words.filter((word) => word.startsWith('--'))
    const paths = words.filter((word) => !word.startsWith('--'))
    const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length)
    return { from, sources: paths.slice(0, -1), target: paths.at(-1) ?? '' }
  })
}

/** The exec-form JSON array of CMD, ENTRYPOINT or HEALTHCHECK … CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['))
  return JSON.parse(json) as string[]
}

function* instructions(text: string): Generator<Instruction> {
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('#') || (line === '' && pending === '')) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `
      continue
    }
    const whole = `${pending}${line}`.trim()
    pending = ''
    if (whole === '') continue
    const keyword = whole.split(/\s+/, 1)[0] ?? ''
    yield { keyword: keyword.toUpperCase(), args: whole.slice(keyword.length).trim() }
  }
}
