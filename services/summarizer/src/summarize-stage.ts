import {
  type SummarizeCommand,
  type SummarizeCompleted,
  TranscriptDocument,
} from '@tella/contracts'
import { decodeJson, encodeJson, type MediaObjects, type StageContext } from '@tella/platform'
import type { SummaryEngine } from './engines/engine.ts'

type Result = Pick<SummarizeCompleted, 'summary' | 'keyPoints'>

/** Share of the stage's progress reached once the transcript is read; the engine fills the rest. */
const readShare = 0.1

/**
 * The summarize stage: take the transcript from the command, or from the store when it was
 * too large to travel inline, and summarise it. An empty transcript gives
 * an empty summary without asking the engine, so nothing is ever invented from silence (nor a
 * provider paid to read it). Progress moves with the engine's, e.g. per part of a long
 * transcript.
 */
export async function runSummarizeStage(
  context: StageContext<SummarizeCommand>,
  media: Pick<MediaObjects, 'getJson'>,
  engine: SummaryEngine,
): Promise<Result> {
  const { command, signal } = context
  const transcript =
    command.transcript ??
    decodeJson(TranscriptDocument, encodeJson(await media.getJson(command.transcriptKey)))
  context.reportProgress(readShare)

  if (transcript.text.trim() === '') {
    context.logger.info('empty transcript: no summary')
    return { summary: '', keyPoints: [] }
  }

  const summary = await engine.summarize(transcript, {
    signal,
    logger: context.logger,
    onProgress: (fraction) => context.reportProgress(readShare + (1 - readShare) * fraction),
  })
  context.logger.info(
    { summaryChars: summary.summary.length, keyPoints: summary.keyPoints.length },
    'summary ready',
  )
  return summary
}
