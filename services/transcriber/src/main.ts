import { TranscribeCommand } from '@tella/contracts'
import { exitOnSignals, MediaObjects, MediaToolsCheck, runWorkerService } from '@tella/platform'
import { pino } from 'pino'
import type { LongAudioTranscriber } from './long-audio/chunked-transcriber.ts'
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

// ffmpeg finds the pauses that long audio is cut at; it is checked with the engine, and
// the transcriber is rebuilt if a later check finds it somewhere else.
const mediaTools = new MediaToolsCheck()
let built: { ffmpeg: string; transcriber: LongAudioTranscriber } | undefined
const transcriberFor = (ffmpeg: string): LongAudioTranscriber => {
  if (built?.ffmpeg !== ffmpeg)
    built = { ffmpeg, transcriber: transcriberFromSettings(settings, ffmpeg) }
  return built.transcriber
}

let media: MediaObjects | undefined
const service = await runWorkerService({
  stage: 'transcribe',
  commandSchema: TranscribeCommand,
  logger,
  settings,
  prerequisites: [mediaTools, ...transcriberPrerequisites(settings)],
  async handle(context, nc) {
    media ??= await MediaObjects.open(nc)
    return runTranscribeStage(context, media, transcriberFor(mediaTools.tools.ffmpeg))
  },
})
exitOnSignals(service, logger)
