/**
 * The body of the yt-dlp stand-in: a program that answers yt-dlp's command line the way
 * yt-dlp does (its options, its stdout and stderr lines, its exit codes) from a scenario, with
 * no network. Plain JavaScript so that it starts as fast as a tool should; `stand-in.ts`
 * writes the executable that calls `main` with the scenario.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, createReadStream, renameSync, statSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** yt-dlp's options that the stand-in knows, with whether each takes a value. */
const knownOptions = new Map([
  ['--version', false],
  ['--ignore-config', false],
  ['--no-playlist', false],
  ['--no-cookies', false],
  ['--no-cookies-from-browser', false],
  ['--dump-single-json', false],
  ['-J', false],
  ['--skip-download', false],
  ['--newline', false],
  ['--socket-timeout', true],
  ['--format', true],
  ['-f', true],
  ['--output', true],
  ['-o', true],
  ['--progress-template', true],
  ['--ffmpeg-location', true],
])

/** The release that added `--js-runtimes`; older stand-ins refuse it, as old yt-dlp does. */
const jsRuntimesRelease = '2025.11.12'

export async function main(shared) {
  const argv = process.argv.slice(2)
  appendFileSync(shared.log, `${JSON.stringify({ pid: process.pid, argv })}\n`)
  const options = parseOptions(argv, shared.version)
  // A video of its own may behave differently, as one stack serves several jobs.
  const scenario = { ...shared, ...shared.videos?.[options.get('url')?.slice(-11)] }
  if (scenario.ignoreSigterm) process.on('SIGTERM', () => {})

  if (options.has('--version')) {
    if (scenario.hang === 'version') return hang(scenario)
    process.stdout.write(`${scenario.version}\n`)
    return
  }

  const phase = options.has('-J') || options.has('--dump-single-json') ? 'metadata' : 'download'
  if (scenario.hang === phase) return hang(scenario)
  if (scenario.fail?.phase === phase && !scenario.fail.afterBytes) return fail(scenario.fail)
  if (phase === 'metadata') {
    process.stdout.write(`${JSON.stringify(scenario.metadata)}\n`)
    return
  }
  await download(scenario, options, options.get('url'))
}

function parseOptions(argv, version) {
  const options = new Map()
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]
    if (arg === '--') {
      const urls = argv.slice(index + 1)
      if (urls.length !== 1) usage('the stand-in takes exactly one URL')
      options.set('url', urls[0])
      break
    }
    if (arg === '--js-runtimes' && version >= jsRuntimesRelease) {
      options.set(arg, argv[++index])
      continue
    }
    if (!knownOptions.has(arg)) usage(`no such option: ${arg}`)
    options.set(arg, knownOptions.get(arg) ? argv[++index] : true)
  }
  return options
}

/** yt-dlp's answer to a command line it cannot read: usage on stderr, exit 2. */
function usage(message) {
  process.stderr.write(`Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: ${message}\n`)
  process.exit(2)
}

function fail(failure) {
  for (const line of failure.stderr) process.stderr.write(`${line}\n`)
  process.exit(failure.exitCode)
}

/**
 * A tool that never answers, like yt-dlp on a network that drops packets. It starts a helper
 * that shares its pipes, as yt-dlp's ffmpeg and JavaScript runtime do, so a caller that only
 * kills yt-dlp itself would wait for the pipes forever.
 */
async function hang(scenario) {
  const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    stdio: 'inherit',
  })
  appendFileSync(scenario.log, `${JSON.stringify({ helperPid: helper.pid })}\n`)
  process.stdout.write('[youtube] Extracting URL: waiting for an answer\n')
  await new Promise(() => setInterval(() => {}, 1000))
}

async function download(scenario, options, url) {
  const { audio } = scenario
  const id = url.slice(-11)
  const template = options.get('--output') ?? options.get('-o') ?? '%(title)s [%(id)s].%(ext)s'
  const target = template.replaceAll('%(ext)s', audio.ext).replaceAll('%%', '%')
  const size = statSync(audio.file).size

  process.stdout.write(`[youtube] Extracting URL: ${url}\n[youtube] ${id}: Downloading webpage\n`)
  process.stdout.write(`[info] ${id}: Downloading 1 format(s): ${audio.formatId ?? '251'}\n`)
  process.stdout.write(`[download] Destination: ${target}\n`)

  writeFileSync(`${target}.part`, '')
  const chunkBytes = Math.ceil(size / (audio.chunks ?? 4))
  let downloaded = 0
  for await (const chunk of createReadStream(audio.file, { highWaterMark: chunkBytes })) {
    appendFileSync(`${target}.part`, chunk)
    downloaded += chunk.length
    progress(options, { downloaded, size, total: audio.total ?? 'exact', id })
    if (scenario.fail?.afterBytes && downloaded >= scenario.fail.afterBytes) fail(scenario.fail)
    await sleep(audio.chunkDelayMs ?? 0)
  }
  renameSync(`${target}.part`, target)
}

/** One progress line: the caller's `--progress-template` filled in, or yt-dlp's own line. */
function progress(options, { downloaded, size, total, id }) {
  const fields = {
    downloaded_bytes: downloaded,
    total_bytes: total === 'exact' ? size : undefined,
    total_bytes_estimate: total === 'none' ? undefined : size * 1.02,
    status: downloaded >= size ? 'finished' : 'downloading',
  }
  const template = options.get('--progress-template')
  if (template === undefined) {
    const percent = ((downloaded / size) * 100).toFixed(1).padStart(5)
    process.stdout.write(`[download] ${percent}% of ${(size / 1024).toFixed(2)}KiB\n`)
    return
  }
  const body = template.replace(/^(download|download-title|postprocess):/u, '')
  const line = body.replace(/%\((progress|info)\.([\w.]+)\)s/gu, (_, scope, name) => {
    const value = scope === 'progress' ? fields[name] : { id }[name]
    return value === undefined ? 'NA' : String(value)
  })
  process.stdout.write(`${line}\n`)
}
