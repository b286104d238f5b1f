import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { loadWorkerSettings, WorkerSettings } from '@tella/platform'
import Type, { type TObject } from 'typebox'
import { JobsApiSettings, loadJobsApiSettings } from '../../services/jobs-api/src/config.ts'
import {
  loadSummarizerSettings,
  SummarizerSettings,
} from '../../services/summarizer/src/settings.ts'
import {
  loadTranscriberSettings,
  TranscriberSettings,
} from '../../services/transcriber/src/settings.ts'
import { repoRoot } from './paths.ts'

export const serviceNames = ['jobs-api', 'downloader', 'transcriber', 'summarizer'] as const
export type ServiceName = (typeof serviceNames)[number]
export const workerNames = ['downloader', 'transcriber', 'summarizer'] as const

type Env = Record<string, string | undefined>

/** What a service reads from its environment, taken from its own code. */
export interface ServiceSettings {
  /** Every variable the service reads. */
  names: Set<string>
  /** Each variable's default where its schema declares one. */
  defaults: Map<string, unknown>
  /** The service's own loader: returns the settings or throws ConfigError naming each bad one. */
  load(env: Env): Record<string, unknown>
}

/** `resolveMediaTools` reads these two outside any schema. */
const mediaToolNames = ['FFMPEG_PATH', 'FFPROBE_PATH']

/**
 * The settings of each service. jobs-api, transcriber and summarizer export their schemas and
 * loaders, which are used as they are.
 *
 * Limitation: the downloader declares its own settings inside main.ts, which cannot be
 * imported without starting the worker; its names are read from its sources (`NAME: Type.`)
 * and only the part every worker shares is checked by a loader.
 */
export const serviceSettings: Record<ServiceName, ServiceSettings> = {
  'jobs-api': fromSchema(JobsApiSettings, loadJobsApiSettings),
  downloader: {
    ...fromSchema(WorkerSettings, (env) => loadWorkerSettings(Type.Object({}), env)),
    names: new Set([
      ...Object.keys(WorkerSettings.properties),
      ...scannedNames('downloader'),
      ...mediaToolNames,
    ]),
  },
  transcriber: withWorker(TranscriberSettings, loadTranscriberSettings, []),
  summarizer: withWorker(SummarizerSettings, loadSummarizerSettings, []),
}

function fromSchema(schema: TObject, load: (env: Env) => object): ServiceSettings {
  const defaults = new Map<string, unknown>()
  for (const [name, property] of Object.entries(schema.properties)) {
    if ('default' in property) defaults.set(name, property.default)
  }
  return {
    names: new Set(Object.keys(schema.properties)),
    defaults,
    load: (env) => load(env) as Record<string, unknown>,
  }
}

function withWorker(schema: TObject, load: (env: Env) => object, extra: string[]) {
  const worker = fromSchema(WorkerSettings, load)
  const own = fromSchema(schema, load)
  return {
    names: new Set([...worker.names, ...own.names, ...extra]),
    defaults: new Map([...worker.defaults, ...own.defaults]),
    load: own.load,
  }
}

function scannedNames(service: ServiceName): string[] {
  const directory = path.join(repoRoot, 'services', service, 'src')
  const names: string[] = []
  const files = readdirSync(directory, { recursive: true, encoding: 'utf8' })
  for (const file of files.filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(path.join(directory, file), 'utf8')
    for (const match of text.matchAll(/^\s*([A-Z][A-Z0-9_]+): Type\./gm)) {
      if (match[1]) names.push(match[1])
    }
  }
  return names
}
