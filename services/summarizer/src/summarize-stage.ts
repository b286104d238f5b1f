import {
  type SummarizeCommand,
  type SummarizeCompleted,
  TranscriptDocument,
} from '@tella/contracts'
import { decodeJson, encodeJson, type MediaObjects, type StageContext } from '@tella/platform'
import type { SummaryEngine } from './engines/engine.ts'

type Result = Pick<SummarizeCompleted, 'summary' | 'keyPoints'>

/**
 * The summarize stage: read the stored transcript and summarise it. An empty transcript gives
 * an empty summary without asking the engine, so nothing is ever invented from silence.
 */
export async function runSummarizeStage(
  context: StageContext<SummarizeCommand>,
  media: MediaObjects,
  engine: SummaryEngine,
): Promise<Result> {
  const { command, signal } = context
  const raw = await media.getJson(command.transcriptKey)
  const transcript = decodeJson(TranscriptDocument, encodeJson(raw))
  context.reportProgress(0.1)

  if (transcript.text.trim() === '') {
    context.logger.info('empty transcript: no summary')
    return { summary: '', keyPoints: [] }
  }

  const summary = await engine.summarize(transcript, { signal })
  context.logger.info(
    { summaryChars: summary.summary.length, keyPoints: summary.keyPoints.length },
    'summary ready',
  )
  return summary
}
