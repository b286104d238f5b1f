import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import t, { type Test } from 'tap'
import { argsOf, copiesOf, execForm, readDockerfile, type Stage } from '../validation/dockerfile.ts'
import { isInContext } from '../validation/dockerignore.ts'
import { imagesDir, repoRoot } from '../validation/paths.ts'
import { type ServiceName, serviceNames } from '../validation/service-settings.ts'

/** Debian packages each image needs beyond Node: the programs its service runs. */
const tools: Record<ServiceName, string[]> = {
  'jobs-api': ['tini'],
  downloader: ['tini', 'ffmpeg', 'python3'],
  transcriber: ['tini', 'pocketsphinx', 'pocketsphinx-en-us'],
  summarizer: ['tini'],
}

const dockerfile = (service: ServiceName) => path.join(imagesDir, `${service}.Dockerfile`)
const finalStage = (stages: Stage[]) => stages.at(-1) as Stage

for (const service of serviceNames) {
  t.test(`${service}: a multi-stage image on an LTS Node, run as a non-root user`, async (t) => {
    t.ok(existsSync(dockerfile(service)), `${dockerfile(service)} exists`)
    const { stages } = readDockerfile(dockerfile(service))
    t.ok(stages.length >= 2, 'a build stage and a runtime stage')
    for (const stage of stages) {
      // Even majors become LTS; Debian 12 matches the packages the tests run against.
      t.match(stage.from, /^node:(\d*[02468])-bookworm-slim$/, `${stage.name ?? 'runtime'} base`)
      t.ok(Number(/^node:(\d+)/.exec(stage.from)?.[1]) >= 24, 'a supported LTS line')
    }
    const [user] = argsOf(finalStage(stages), 'USER')
    t.match(user, /^[1-9]\d*(:[1-9]\d*)?$/, 'a numeric non-root user, checkable by runAsNonRoot')
  })

  t.test(
    `${service}: the build stage installs from the lockfile; the runtime copies`,
    async (t) => {
      const { stages } = readDockerfile(dockerfile(service))
      const [build] = stages
      const install = argsOf(build as Stage, 'RUN').find((run) => run.includes('pnpm install'))
      t.match(install, /--frozen-lockfile/)
      t.match(install, /--prod/)
      t.match(install, new RegExp(`--filter "@tella/${service}\\.\\.\\."`))
      t.match(install, /--filter @tella\/deploy/, 'tsx, the loader the service runs with')
      const runtime = finalStage(stages)
      t.notOk(
        argsOf(runtime, 'RUN').some((run) => /pnpm|npm install/.test(run)),
        'no install',
      )
      t.ok(
        copiesOf(runtime).some((copy) => copy.from === build?.name),
        'copies the build',
      )
    },
  )

  t.test(`${service}: every COPY source exists and is in the build context`, async (t) => {
    const { stages } = readDockerfile(dockerfile(service))
    for (const stage of stages) {
      for (const copy of copiesOf(stage).filter((c) => c.from === undefined)) {
        for (const source of copy.sources) {
          t.ok(existsSync(path.join(repoRoot, source)), `${source} exists`)
          t.ok(isInContext(source), `${source} is not excluded by .dockerignore`)
        }
      }
    }
  })

  t.test(`${service}: the image holds the workspace packages the service imports`, async (t) => {
    const { stages } = readDockerfile(dockerfile(service))
    const copied = new Set(copiesOf(stages[0] as Stage).flatMap((copy) => copy.sources))
    for (const directory of [`services/${service}`, ...workspaceDependencies(service)]) {
      t.ok(copied.has(`${directory}/package.json`), `${directory}/package.json`)
      t.ok(copied.has(`${directory}/src`), `${directory}/src`)
    }
  })

  t.test(`${service}: starts its entry point under tini and stops on SIGTERM`, async (t) => {
    const runtime = finalStage(readDockerfile(dockerfile(service)).stages)
    const start = readPackage(`services/${service}`).scripts?.start ?? ''
    const entry = `/app/services/${service}/${start.split(' ').at(-1)}`
    t.same(execForm(argsOf(runtime, 'CMD')[0] ?? ''), ['node', '--import', 'tsx', entry])
    t.ok(existsSync(path.join(repoRoot, entry.replace('/app/', ''))), `${entry} exists`)
    t.same(execForm(argsOf(runtime, 'ENTRYPOINT')[0] ?? ''), ['/usr/bin/tini', '--'])
    t.same(argsOf(runtime, 'STOPSIGNAL'), ['SIGTERM'])
    t.same(argsOf(runtime, 'WORKDIR'), ['/app/deploy'], 'where tsx resolves')
  })

  t.test(`${service}: installs the programs it runs`, async (t) => {
    const runtime = finalStage(readDockerfile(dockerfile(service)).stages)
    const installed = argsOf(runtime, 'RUN')
      .flatMap((run) => /apt-get install (.*?)(&&|$)/.exec(run)?.[1]?.split(/\s+/) ?? [])
      .filter((word) => word !== '' && !word.startsWith('-'))
    t.same(
      installed.filter((name) => name !== 'ca-certificates').sort(),
      [...tools[service]].sort(),
    )
  })
}

t.test('the downloader gets a pinned, current yt-dlp with its YouTube JavaScript', async (t) => {
  const { stages } = readDockerfile(dockerfile('downloader'))
  const ytDlp = stages.find((stage) => stage.name === 'yt-dlp')
  const version = argsOf(ytDlp as Stage, 'ARG').find((arg) => arg.startsWith('YTDLP_VERSION='))
  t.match(version, /^YTDLP_VERSION=20(2[6-9]|[3-9]\d)\.\d{2}\.\d{2}$/, 'a 2026 or later release')
  const install = argsOf(ytDlp as Stage, 'RUN').join(' ')
  t.match(install, /"yt-dlp\[default\]==\$\{YTDLP_VERSION\}"/, 'with yt-dlp-ejs')
  const runtime = finalStage(stages)
  t.ok(copiesOf(runtime).some((copy) => copy.from === 'yt-dlp'))
})

t.test('the image HEALTHCHECK passes on a ready service and fails otherwise', async (t) => {
  const ready = await probeTarget(t, 200)
  const unavailable = await probeTarget(t, 503)
  const runs = serviceNames.flatMap((service) => {
    const runtime = finalStage(readDockerfile(dockerfile(service)).stages)
    const [, ...args] = execForm(argsOf(runtime, 'HEALTHCHECK')[0] ?? '')
    return [
      { name: `${service}: ready`, args, port: ready, expected: 0 },
      { name: `${service}: not ready`, args, port: unavailable, expected: 1 },
    ]
  })
  // One node process per run, started together: each takes a while on a busy machine.
  const codes = await Promise.all(
    runs.map(({ args, port }) => exitCode(args, { PORT: port, HEALTH_PORT: port })),
  )
  runs.forEach((run, index) => {
    t.equal(codes[index], run.expected, run.name)
  })
})

t.test('compose and the manifests name the images as the Dockerfiles build them', async (t) => {
  for (const service of serviceNames) {
    const header = readFileSync(dockerfile(service), 'utf8')
    t.match(header, `-t tella-imports/${service} .`, `${service}: the documented build`)
  }
  const baseDir = path.join(repoRoot, 'deploy/k8s/base')
  for (const file of readdirSync(baseDir).filter((name) => name.endsWith('.yaml'))) {
    const images = [...readFileSync(path.join(baseDir, file), 'utf8').matchAll(/image: (\S+)/g)]
    for (const [, image] of images) t.equal(image, `tella-imports/${file.replace('.yaml', '')}`)
  }
})

/** A local HTTP server answering /readyz with `status`; its port, closed at teardown. */
async function probeTarget(t: Test, status: number): Promise<string> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/readyz' ? status : 404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return String((server.address() as AddressInfo).port)
}

function exitCode(args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code))
  })
}

interface PackageJson {
  name: string
  dependencies?: Record<string, string>
  scripts?: Record<string, string>
}

function readPackage(directory: string): PackageJson {
  return JSON.parse(readFileSync(path.join(repoRoot, directory, 'package.json'), 'utf8'))
}

/** Directories of the workspace packages a service depends on at run time, transitively. */
function workspaceDependencies(service: ServiceName): string[] {
  const directories = new Map(
    readdirSync(path.join(repoRoot, 'packages')).map((name) => {
      const directory = `packages/${name}`
      return [readPackage(directory).name, directory] as const
    }),
  )
  const found = new Set<string>()
  const visit = (directory: string) => {
    for (const [name, range] of Object.entries(readPackage(directory).dependencies ?? {})) {
      const dependency = directories.get(name)
      if (!range.startsWith('workspace:') || !dependency || found.has(dependency)) continue
      found.add(dependency)
      visit(dependency)
    }
  }
  visit(`services/${service}`)
  return [...found]
}
