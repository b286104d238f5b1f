import { TranscribeCommand } from '@tella/contracts'
import { exitOnSignals, MediaObjects, resolveMediaTools, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import {
  describeTranscriber,
  loadTranscriberSettings,
  transcriberFromSettings,
} from './settings.ts'
import { runTranscribeStage } from './transcribe-stage.ts'

const settings = loadTranscriberSettings()
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'transcriber' } })
// ffmpeg finds the pauses that long audio is cut at; a missing one stops the service here.
const { ffmpeg } = resolveMediaTools()
const transcriber = transcriberFromSettings(settings, ffmpeg)
logger.info(describeTranscriber(settings), 'speech engine chosen')

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'transcribe',
  commandSchema: TranscribeCommand,
  logger,
  settings,
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runTranscribeStage(context, media, transcriber)
  },
})
exitOnSignals(service, logger)
