import { rm } from 'node:fs/promises'
import path from 'node:path'
import {
  CodedError,
  type DownloadCommand,
  type DownloadCompleted,
  objectKeys,
} from '@tella/contracts'
import { type MediaObjects, type MediaTools, makeWorkDir, type StageContext } from '@tella/platform'
import { extractAudio } from './media/extract.ts'
import { probeMedia } from './media/probe.ts'
import type { VideoMetadata, YoutubeEngine } from './sources/youtube-engine.ts'
import { fetchYoutubeAudio, refuseTooLong, type YoutubeLimits } from './sources/youtube-source.ts'

type Result = Omit<DownloadCompleted, 'jobId' | 'attempt' | 'at' | 'kind' | 'stage'>

export interface DownloadStageDeps {
  media: MediaObjects
  tools: MediaTools
  youtube: { engine: YoutubeEngine; limits: YoutubeLimits }
}

/**
 * The download stage (0–25 %): bring the source to local disk, probe it, and store 16 kHz
 * mono audio for the transcriber. Shares of the stage: fetching the source 0–40 %, decoding
 * 40–90 %, storing the audio 90–100 %.
 */
export async function runDownloadStage(
  context: StageContext<DownloadCommand>,
  deps: DownloadStageDeps,
): Promise<Result> {
  const { command, signal, logger } = context
  const workDir = await makeWorkDir(command.jobId)
  try {
    const source = await fetchSource(context, deps, workDir)
    context.reportProgress(0.4)

    const probe = await probeMedia(source.path, { ffprobe: deps.tools.ffprobe, signal })
    if (!probe.hasAudio) throw new CodedError('NO_AUDIO_TRACK')
    // A finished broadcast may state no duration up front; then the file's own is checked.
    if (source.video?.durationSec === null && probe.declaredDurationSec !== null) {
      refuseTooLong(probe.declaredDurationSec, deps.youtube.limits)
    }
    logger.info(
      { format: probe.formatName, codec: probe.audioCodec, bytes: probe.sizeBytes },
      'source probed',
    )

    const wavPath = path.join(workDir, 'audio.wav')
    const audio = await extractAudio(source.path, wavPath, {
      ffmpeg: deps.tools.ffmpeg,
      signal,
      expectedDurationSec: probe.declaredDurationSec,
      audioTrack: probe.audioTrack,
      onProgress: (fraction) => context.reportProgress(0.4 + fraction * 0.5),
    })

    const audioKey = objectKeys.audio(command.jobId)
    await deps.media.upload(audioKey, wavPath)
    logger.info({ durationSec: audio.durationSec }, 'audio extracted')
    return {
      audioKey,
      durationSec: Math.round(audio.durationSec * 1000) / 1000,
      fileSize: probe.sizeBytes,
      mimeType: probe.mimeType,
      ...(source.video ? videoFields(source.video) : {}),
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

async function fetchSource(
  context: StageContext<DownloadCommand>,
  deps: DownloadStageDeps,
  workDir: string,
): Promise<{ path: string; video?: VideoMetadata }> {
  const { command, signal } = context
  if (command.source === 'UPLOAD') {
    if (!command.uploadKey) throw new CodedError('INVALID_COMMAND', { detail: 'no uploadKey' })
    const target = path.join(workDir, 'source')
    await deps.media.download(command.uploadKey, target, signal)
    return { path: target }
  }
  if (!command.url) throw new CodedError('INVALID_COMMAND', { detail: 'no url' })
  return fetchYoutubeAudio(command.url, workDir, {
    ...deps.youtube,
    signal,
    logger: context.logger,
    onProgress: (fraction) => context.reportProgress(fraction * 0.4),
  })
}

/** What the note and the job learn from the video; absent fields stay absent. */
function videoFields(video: VideoMetadata): Partial<Result> {
  const fields: Partial<Result> = { title: video.title }
  if (video.channel) fields.channel = video.channel
  if (video.thumbnailUrl) fields.thumbnailUrl = video.thumbnailUrl
  if (video.uploadDate) fields.uploadDate = video.uploadDate
  return fields
}
