import { DownloadCommand } from '@tella/contracts'
import {
  exitOnSignals,
  loadWorkerSettings,
  MediaObjects,
  type MediaTools,
  MediaToolsCheck,
  runWorkerService,
} from '@tella/platform'
import { pino } from 'pino'
import Type from 'typebox'
import { runDownloadStage } from './download-stage.ts'
import { YtDlpEngine } from './sources/ytdlp-engine.ts'

const settings = loadWorkerSettings(
  Type.Object({
    LOG_LEVEL: Type.String({ default: 'info' }),
    /** A path, or a name looked up on the PATH. */
    YTDLP_PATH: Type.String({ minLength: 1, default: 'yt-dlp' }),
    /** One attempt's whole YouTube fetch, metadata and download; then yt-dlp is killed. */
    YOUTUBE_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 30 * 60_000 }),
    /** yt-dlp's `--socket-timeout`: a connection silent this long counts as a network failure. */
    YOUTUBE_SOCKET_TIMEOUT_SEC: Type.Integer({ minimum: 1, maximum: 600, default: 30 }),
    YOUTUBE_MAX_DURATION_SEC: Type.Integer({ minimum: 1, default: 4 * 3600 }),
    YOUTUBE_MAX_BYTES: Type.Integer({ minimum: 1, default: 1024 ** 3 }),
  }),
)
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'downloader' } })
// ffmpeg and ffprobe are checked before work is taken and again while the worker runs; a
// missing one pauses the worker (readiness 503) rather than failing the jobs.
const mediaTools = new MediaToolsCheck()
if (mediaTools.check() === undefined) logger.info(mediaTools.tools, 'media tools resolved')

const limits = {
  maxDurationSec: settings.YOUTUBE_MAX_DURATION_SEC,
  maxBytes: settings.YOUTUBE_MAX_BYTES,
  timeoutMs: settings.YOUTUBE_TIMEOUT_MS,
}
const engineFor = (ffmpegPath: string | undefined) =>
  new YtDlpEngine({
    executable: settings.YTDLP_PATH,
    socketTimeoutSec: settings.YOUTUBE_SOCKET_TIMEOUT_SEC,
    ffmpegPath,
  })
let current = { ffmpeg: undefined as string | undefined, engine: engineFor(undefined) }
/** yt-dlp is given the ffmpeg the last check found, which may change while the worker runs. */
const youtubeFor = (tools: MediaTools) => {
  if (current.ffmpeg !== tools.ffmpeg) {
    current = { ffmpeg: tools.ffmpeg, engine: engineFor(tools.ffmpeg) }
  }
  return { engine: current.engine, limits }
}

// Uploads need no yt-dlp, so a missing one is a warning here and a coded failure per job.
current.engine.version(AbortSignal.timeout(10_000)).then(
  (version) => logger.info({ engine: current.engine.name, version }, 'youtube engine found'),
  (error: unknown) => logger.warn({ err: error }, 'youtube engine unavailable'),
)

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'download',
  commandSchema: DownloadCommand,
  logger,
  settings,
  prerequisites: [mediaTools],
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    const tools = mediaTools.tools
    return runDownloadStage(context, { media, tools, youtube: youtubeFor(tools) })
  },
})
exitOnSignals(service, logger)
