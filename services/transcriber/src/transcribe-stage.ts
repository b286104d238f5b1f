import { rm } from 'node:fs/promises'
import path from 'node:path'
import {
  inlineTranscript,
  objectKeys,
  type TranscribeCommand,
  type TranscribeCompleted,
  type TranscriptDocument,
} from '@tella/contracts'
import { type MediaObjects, makeWorkDir, type StageContext } from '@tella/platform'
import type { LongAudioTranscriber } from './long-audio/chunked-transcriber.ts'

type Result = Pick<TranscribeCompleted, 'transcriptKey' | 'segmentCount' | 'transcript'>

/**
 * The transcribe stage: fetch the normalised audio, transcribe it chunk by chunk, and store
 * the timed transcript beside the audio. The result event carries its key, and the transcript
 * itself when it is small (a long lecture's outgrows a message). A recording without speech
 * gives an empty transcript, which jobs-api turns into a note flagged `transcript.empty`.
 */
export async function runTranscribeStage(
  context: StageContext<TranscribeCommand>,
  media: MediaObjects,
  transcriber: LongAudioTranscriber,
): Promise<Result> {
  const { command, signal } = context
  const workDir = await makeWorkDir(command.jobId)
  try {
    const wavPath = path.join(workDir, 'audio.wav')
    await media.download(command.audioKey, wavPath, signal)
    context.reportProgress(0.02)

    const transcript = await transcriber.transcribe(wavPath, {
      signal,
      durationSec: command.durationSec,
      onProgress: (fraction) => context.reportProgress(0.02 + fraction * 0.96),
      logger: context.logger,
    })

    const document: TranscriptDocument = { ...transcript, engine: transcriber.name }
    const transcriptKey = objectKeys.transcript(command.jobId)
    await media.putJson(transcriptKey, document)
    context.logger.info(
      {
        segments: transcript.segments.length,
        words: countWords(transcript.text),
        empty: transcript.segments.length === 0,
      },
      'transcript stored',
    )
    return {
      transcriptKey,
      segmentCount: transcript.segments.length,
      ...inlineTranscript(document),
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

function countWords(text: string): number {
  return text.split(/\s+/u).filter(Boolean).length
}
