import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { CodedError } from '@tella/contracts'
import { runTool } from '../media/child-process.ts'

export interface YoutubeFetchOptions {
  ytDlpPath: string
  signal?: AbortSignal | undefined
  onProgress?: (fraction: number) => void
}

const progressLine = /\[download\]\s+(\d+(?:\.\d+)?)%/u

/**
 * Fetches a video's best audio track with yt-dlp, the tool the field relies on for YouTube.
 * The URL given is always the canonical watch URL built by jobs-api, never user text.
 *
 * Limitation: failures are classified coarsely (unavailable or network); issue 5 maps each
 * of yt-dlp's error kinds to its own code.
 */
export async function fetchYoutubeAudio(
  url: string,
  workDir: string,
  options: YoutubeFetchOptions,
): Promise<{ path: string; title?: string }> {
  const args = [
    '--no-playlist',
    '--no-warnings',
    '--newline',
    '--socket-timeout',
    '30',
    '--format',
    'bestaudio/best',
    '--output',
    path.join(workDir, 'source.%(ext)s'),
    '--print',
    'before_dl:title:%(title)s',
    '--no-simulate',
    url,
  ]
  let title: string | undefined
  let result: Awaited<ReturnType<typeof runTool>>
  try {
    result = await runTool(options.ytDlpPath, args, {
      signal: options.signal,
      onStdoutLine(line) {
        if (line.startsWith('title:')) title = line.slice('title:'.length).trim() || undefined
        const match = progressLine.exec(line)
        if (match) options.onProgress?.(Number(match[1]) / 100)
      },
    })
  } catch (error) {
    if (isMissingBinary(error)) {
      throw new CodedError('DOWNLOAD_ENGINE_UNAVAILABLE', { detail: options.ytDlpPath })
    }
    throw error
  }

  if (result.exitCode !== 0) throw classifyFailure(result.stderrTail)
  const files = (await readdir(workDir)).filter((name) => name.startsWith('source.'))
  if (!files[0]) throw new CodedError('NETWORK_TIMEOUT', { detail: 'yt-dlp wrote no file' })
  return { path: path.join(workDir, files[0]), ...(title ? { title } : {}) }
}

function classifyFailure(stderr: string): CodedError {
  const detail = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)
  if (/private video|video unavailable|removed|not available|sign in/iu.test(stderr)) {
    return new CodedError('YOUTUBE_URL_INVALID', { detail })
  }
  return new CodedError('NETWORK_TIMEOUT', { detail })
}

function isMissingBinary(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause)}` : ''
  return /ENOENT/u.test(text)
}
