import { SummarizeCommand } from '@tella/contracts'
import { exitOnSignals, MediaObjects, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import { createSummaryEngine, describeEngine } from './engines/select-engine.ts'
import { loadSummarizerSettings } from './settings.ts'
import { runSummarizeStage } from './summarize-stage.ts'

const settings = loadSummarizerSettings()
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'summarizer' } })
const engine = createSummaryEngine(settings)
logger.info(describeEngine(settings), 'summary engine ready')

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
