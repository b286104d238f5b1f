import { DownloadCommand } from '@tella/contracts'
import {
  exitOnSignals,
  loadWorkerSettings,
  MediaObjects,
  resolveMediaTools,
  runWorkerService,
} from '@tella/platform'
import { pino } from 'pino'
import Type from 'typebox'
import { runDownloadStage } from './download-stage.ts'

const settings = loadWorkerSettings(
  Type.Object({
    LOG_LEVEL: Type.String({ default: 'info' }),
    YTDLP_PATH: Type.String({ default: 'yt-dlp' }),
  }),
)
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'downloader' } })
const tools = resolveMediaTools()
logger.info(tools, 'media tools resolved')

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'download',
  commandSchema: DownloadCommand,
  logger,
  settings,
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runDownloadStage(context, { media, tools, ytDlpPath: settings.YTDLP_PATH })
  },
})
exitOnSignals(service, logger)
