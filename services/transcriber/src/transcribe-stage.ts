import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  objectKeys,
  type TranscribeCommand,
  type TranscribeCompleted,
  type TranscriptDocument,
} from '@tella/contracts'
import type { MediaObjects, StageContext } from '@tella/platform'
import type { SpeechEngine } from './engines/engine.ts'

type Result = Pick<TranscribeCompleted, 'transcriptKey' | 'segmentCount'>

/**
 * The transcribe stage: fetch the normalised audio, run the speech engine, and store the
 * timed transcript beside the audio. The result event carries only the key, since a long
 * lecture's transcript outgrows a message.
 */
export async function runTranscribeStage(
  context: StageContext<TranscribeCommand>,
  media: MediaObjects,
  engine: SpeechEngine,
): Promise<Result> {
  const { command, signal } = context
  const workDir = await mkdtemp(path.join(tmpdir(), `tella-${command.jobId}-`))
  try {
    const wavPath = path.join(workDir, 'audio.wav')
    await media.download(command.audioKey, wavPath, signal)
    context.reportProgress(0.02)

    const transcript = await engine.transcribe(wavPath, {
      signal,
      durationSec: command.durationSec,
      onProgress: (fraction) => context.reportProgress(0.02 + fraction * 0.96),
    })

    const document: TranscriptDocument = { ...transcript, engine: engine.name }
    const transcriptKey = objectKeys.transcript(command.jobId)
    await media.putJson(transcriptKey, document)
    context.logger.info(
      { segments: transcript.segments.length, words: countWords(transcript.text) },
      'transcript stored',
    )
    return { transcriptKey, segmentCount: transcript.segments.length }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

function countWords(text: string): number {
  return text.split(/\s+/u).filter(Boolean).length
}
