import { SummarizeCommand } from '@tella/contracts'
import { exitOnSignals, loadWorkerSettings, MediaObjects, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import Type from 'typebox'
import { createExtractiveEngine } from './engines/extractive.ts'
import { runSummarizeStage } from './summarize-stage.ts'

const settings = loadWorkerSettings(
  Type.Object({
    LOG_LEVEL: Type.String({ default: 'info' }),
    SUMMARY_MAX_SENTENCES: Type.Integer({ minimum: 1, maximum: 50, default: 5 }),
  }),
)
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'summarizer' } })
const engine = createExtractiveEngine({ maxSentences: settings.SUMMARY_MAX_SENTENCES })

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'summarize',
  commandSchema: SummarizeCommand,
  logger,
  settings,
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runSummarizeStage(context, media, engine)
  },
})
exitOnSignals(service, logger)
