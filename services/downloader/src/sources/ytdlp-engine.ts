import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { CodedError } from '@tella/contracts'
import { runTool, type ToolResult } from '../media/child-process.ts'
import type { EngineDownloadOptions, VideoMetadata, YoutubeEngine } from './youtube-engine.ts'
import { assertWatchUrl } from './youtube-engine.ts'
import { classifyFailure } from './ytdlp-failures.ts'
import {
  isAtLeast,
  parseInfoJson,
  parseProgressLine,
  parseVersion,
  progressTemplate,
} from './ytdlp-output.ts'

export interface YtDlpEngineOptions {
  /** `YTDLP_PATH`: a path, or a bare name looked up on the PATH. */
  executable: string
  /** yt-dlp's `--socket-timeout`: how long one connection may stay silent. */
  socketTimeoutSec: number
  /** The ffmpeg the service uses, for yt-dlp's fix-ups of downloaded containers. */
  ffmpegPath?: string | undefined
}

/** The first release that runs YouTube's player challenges in an outside JavaScript runtime. */
const JS_RUNTIME_RELEASE = '2025.11.12'

/** The info JSON of a video with many caption tracks runs to a few megabytes. */
const MAX_INFO_JSON_CHARS = 32 * 1024 * 1024

/** Names the download is written under; `.part` is yt-dlp's unfinished file. */
const outputStem = 'source'

/**
 * YouTube through yt-dlp run as a subprocess, the tool the field relies on. Every run gets
 * the same guard rails: no configuration files (an operator's `~/.config/yt-dlp` must not add
 * cookies, proxies or `--exec`), no browser cookies, no playlists, a socket timeout, and `--`
 * before the one URL, which is always a canonical watch URL, so nothing can pass as an option.
 *
 * @example
 * const engine = new YtDlpEngine({ executable: 'yt-dlp', socketTimeoutSec: 30 })
 * const video = await engine.metadata('https://www.youtube.com/watch?v=dQw4w9WgXcQ', {})
 */
export class YtDlpEngine implements YoutubeEngine {
  readonly name = 'yt-dlp'
  readonly #options: YtDlpEngineOptions
  #version: string | undefined

  constructor(options: YtDlpEngineOptions) {
    this.#options = options
  }

  /** Asked once and remembered; a failure is not, so installing yt-dlp needs no restart. */
  async version(signal?: AbortSignal): Promise<string> {
    if (this.#version) return this.#version
    const result = await this.#spawn(['--ignore-config', '--version'], {
      signal,
      collectStdout: true,
    })
    const version = result.exitCode === 0 ? parseVersion(result.stdout) : null
    if (!version) {
      const said = `${result.stdout} ${result.stderrTail}`.trim().slice(0, 200)
      const detail = `${this.#options.executable} --version answered: ${said || 'nothing'}`
      throw new CodedError('DOWNLOAD_ENGINE_UNAVAILABLE', { detail })
    }
    this.#version = version
    return version
  }

  async metadata(url: string, options: { signal?: AbortSignal | undefined }) {
    const target = assertWatchUrl(url)
    const version = await this.version(options.signal)
    const args = [
      ...this.#guardRails(version),
      ['--format', 'bestaudio/best', '--dump-single-json', '--skip-download'],
      ['--', target],
    ].flat()

    const result = await this.#spawn(args, {
      signal: options.signal,
      collectStdout: true,
      maxStdoutChars: MAX_INFO_JSON_CHARS,
    })
    if (result.exitCode !== 0) throw classifyFailure(result.stderrTail, version, result.exitCode)
    if (result.stdoutTruncated) {
      throw new CodedError('INTERNAL_ERROR', { detail: 'yt-dlp printed an oversized info JSON' })
    }
    return parseInfoJson(result.stdout) satisfies VideoMetadata
  }

  async download(url: string, dir: string, options: EngineDownloadOptions) {
    const target = assertWatchUrl(url)
    const version = await this.version(options.signal)
    // yt-dlp reads `%` in -o as the start of a field; a literal one in the folder is `%%`.
    const template = path.join(dir.replaceAll('%', '%%'), `${outputStem}.%(ext)s`)
    const args = [
      ...this.#guardRails(version),
      // Audio only; `best` is the fallback for the rare upload with no separate audio track.
      ['--format', 'bestaudio/best', '--output', template],
      ['--newline', '--progress-template', progressTemplate],
      ['--', target],
    ].flat()

    const onProgress = options.onProgress
    const result = await this.#spawn(args, {
      signal: options.signal,
      onStdoutLine: onProgress
        ? (line) => {
            const progress = parseProgressLine(line)
            if (progress) onProgress(progress)
          }
        : undefined,
    })
    if (result.exitCode !== 0) throw classifyFailure(result.stderrTail, version, result.exitCode)
    return { path: await this.#downloadedFile(dir) }
  }

  #guardRails(version: string): string[][] {
    const rails = [
      ['--ignore-config', '--no-playlist', '--no-cookies', '--no-cookies-from-browser'],
      ['--socket-timeout', String(this.#options.socketTimeoutSec)],
    ]
    // ffmpeg may be a bundled one off the PATH yt-dlp searches. A bare name is left out: yt-dlp
    // takes it for a relative path and would then run without ffmpeg at all.
    const ffmpeg = this.#options.ffmpegPath
    if (ffmpeg && path.isAbsolute(ffmpeg)) rails.push(['--ffmpeg-location', ffmpeg])
    // Node qualifies as the runtime; without one, current yt-dlp misses most formats.
    if (isAtLeast(version, JS_RUNTIME_RELEASE)) {
      rails.push(['--js-runtimes', `node:${process.execPath}`])
    }
    return rails
  }

  async #spawn(args: string[], options: Parameters<typeof runTool>[2]): Promise<ToolResult> {
    try {
      return await runTool(this.#options.executable, args, { ...options, processGroup: true })
    } catch (error) {
      if (isNotStartable(error)) {
        const detail = `${this.#options.executable}: ${startFailure(error)}`
        throw new CodedError('DOWNLOAD_ENGINE_UNAVAILABLE', { detail, cause: error })
      }
      throw error
    }
  }

  async #downloadedFile(dir: string): Promise<string> {
    const names = await readdir(dir)
    const finished = names.filter(
      (name) => name.startsWith(`${outputStem}.`) && !/\.(part|ytdl|temp)$/u.test(name),
    )
    if (!finished[0]) {
      throw new CodedError('INTERNAL_ERROR', { detail: 'yt-dlp succeeded but wrote no file' })
    }
    return path.join(dir, finished[0])
  }
}

/** A missing or non-executable file: the engine is not installed, which no retry changes. */
function isNotStartable(error: unknown): boolean {
  return ['ENOENT', 'EACCES', 'ENOEXEC'].includes(startFailure(error))
}

function startFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : null
  return cause?.code ?? ''
}
