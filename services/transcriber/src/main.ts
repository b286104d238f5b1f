import { TranscribeCommand } from '@tella/contracts'
import { exitOnSignals, loadWorkerSettings, MediaObjects, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import Type from 'typebox'
import { createPocketsphinxEngine } from './engines/pocketsphinx.ts'
import { runTranscribeStage } from './transcribe-stage.ts'

const settings = loadWorkerSettings(
  Type.Object({
    LOG_LEVEL: Type.String({ default: 'info' }),
    /** The offline engine's binary; Debian's `pocketsphinx` package installs it. */
    POCKETSPHINX_PATH: Type.String({ default: 'pocketsphinx_continuous' }),
  }),
)
const logger = pino({ level: settings.LOG_LEVEL, base: { service: 'transcriber' } })
const engine = createPocketsphinxEngine({ binary: settings.POCKETSPHINX_PATH })

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'transcribe',
  commandSchema: TranscribeCommand,
  logger,
  settings,
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runTranscribeStage(context, media, engine)
  },
})
exitOnSignals(service, logger)
