import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { findExecutable, isExecutableFile } from './executables.ts'

/** Absolute paths of the two media binaries the downloader runs. */
export interface MediaTools {
  ffmpeg: string
  ffprobe: string
}

type Env = Record<string, string | undefined>

const executableSuffix = process.platform === 'win32' ? '.exe' : ''

/**
 * Finds ffmpeg and ffprobe. Workers call it through `MediaToolsCheck` at start and at every
 * check, so that a missing binary pauses the worker with a message instead of failing jobs.
 *
 * ffmpeg: `FFMPEG_PATH`, then the binary of the `ffmpeg-static` package when that package is
 * installed, then `ffmpeg` on `PATH`. ffprobe: `FFPROBE_PATH`, then the directory ffmpeg was
 * found in, then `ffprobe` on `PATH`. A variable that is set must name an executable file.
 *
 * @example
 * const { ffmpeg, ffprobe } = resolveMediaTools()
 * // { ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' } on Debian
 */
export function resolveMediaTools(env: Env = process.env): MediaTools {
  const ffmpeg = resolveFfmpeg(env)
  const ffprobe = resolveFfprobe(env, ffmpeg)
  return { ffmpeg, ffprobe }
}

function resolveFfmpeg(env: Env): string {
  const configured = explicitPath(env, 'FFMPEG_PATH')
  if (configured !== undefined) return configured

  const bundled = ffmpegStaticBinary()
  if (bundled !== undefined) return bundled

  const onPath = findExecutable('ffmpeg', env)
  if (onPath !== undefined) return onPath

  throw new Error(
    'ffmpeg not found: set FFMPEG_PATH to the ffmpeg binary, or install the Debian package ' +
      '`ffmpeg` (apt-get install ffmpeg) so that ffmpeg is on PATH',
  )
}

function resolveFfprobe(env: Env, ffmpeg: string): string {
  const configured = explicitPath(env, 'FFPROBE_PATH')
  if (configured !== undefined) return configured

  // Builds unpacked by hand ship both binaries in one directory; a sibling also keeps the
  // two at the same version when FFMPEG_PATH points away from the system one.
  const sibling = join(dirname(ffmpeg), `ffprobe${executableSuffix}`)
  if (isExecutableFile(sibling)) return sibling

  const onPath = findExecutable('ffprobe', env)
  if (onPath !== undefined) return onPath

  throw new Error(
    `ffprobe not found next to ${ffmpeg} nor on PATH: set FFPROBE_PATH to the ffprobe binary, ` +
      'or install the Debian package `ffmpeg` (apt-get install ffmpeg), which ships both',
  )
}

function explicitPath(env: Env, name: 'FFMPEG_PATH' | 'FFPROBE_PATH'): string | undefined {
  const value = env[name]
  if (value === undefined || value.trim() === '') return undefined

  const absolute = resolve(value)
  if (!isExecutableFile(absolute)) {
    throw new Error(`${name}=${value} does not name an executable file`)
  }
  return absolute
}

/**
 * `ffmpeg-static` is an optional install (it downloads a binary in a postinstall script that
 * some environments skip), so both a missing package and a missing binary mean "not here".
 */
function ffmpegStaticBinary(): string | undefined {
  let exported: unknown
  try {
    exported = createRequire(import.meta.url)('ffmpeg-static')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined
    throw error
  }
  // The package exports null on platforms it has no binary for.
  if (typeof exported !== 'string' || !isExecutableFile(exported)) return undefined
  return exported
}
