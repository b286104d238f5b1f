import { TranscribeCommand } from '@tella/contracts'
import { exitOnSignals, MediaObjects, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import {
  describeTranscriber,
  loadTranscriberSettings,
  transcriberFromSettings,
  transcriberPrerequisites,
} from './settings.ts'
import { runTranscribeStage } from './transcribe-stage.ts'

const settings = loadTranscriberSettings()
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'transcriber' } })
logger.info(describeTranscriber(settings), 'speech engine chosen')
const transcriber = transcriberFromSettings(settings)

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'transcribe',
  commandSchema: TranscribeCommand,
  logger,
  settings,
  prerequisites: transcriberPrerequisites(settings),
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runTranscribeStage(context, media, transcriber)
  },
})
exitOnSignals(service, logger)
