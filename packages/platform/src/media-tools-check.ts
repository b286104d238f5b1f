import { type MediaTools, resolveMediaTools } from './ffmpeg-path.ts'
import type { Prerequisite } from './prerequisite-watch.ts'
import { ToolUnavailableError } from './tool-unavailable.ts'

type Env = Record<string, string | undefined>

/**
 * ffmpeg and ffprobe as a prerequisite: each check resolves them again (`FFMPEG_PATH`, then
 * ffmpeg-static, then `PATH`; see `resolveMediaTools`), so a binary installed or mounted
 * after start is found without a restart, and `tools` is always the last one found.
 *
 * @example
 * const media = new MediaToolsCheck()
 * await runWorkerService({ ..., prerequisites: [media], handle: () => run(media.tools) })
 */
export class MediaToolsCheck implements Prerequisite {
  readonly name = 'ffmpeg'
  private found: MediaTools | undefined
  private problem = 'ffmpeg has not been looked for yet'

  constructor(private readonly env: Env = process.env) {}

  check(): string | undefined {
    try {
      this.found = resolveMediaTools(this.env)
      return undefined
    } catch (error) {
      this.found = undefined
      this.problem = (error as Error).message
      return this.problem
    }
  }

  /** The binaries found by the last check; ToolUnavailableError when it found none. */
  get tools(): MediaTools {
    if (!this.found) throw new ToolUnavailableError('ffmpeg', this.problem)
    return this.found
  }
}
