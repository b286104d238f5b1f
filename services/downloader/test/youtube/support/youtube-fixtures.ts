/**
 * What the stand-in serves: an info JSON shaped as yt-dlp prints it for a YouTube video with
 * `-f bestaudio/best`, and real audio in YouTube's audio-only formats, encoded by ffmpeg
 * from LibriVox recordings so the stage's probe and extraction meet real files.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { ffmpeg, run, tools } from '../../media/fixtures/media.ts'

export interface VideoAudio {
  /** Opus in WebM, YouTube's format 251. */
  webm: string
  /** AAC in an MP4 audio container, YouTube's format 140. */
  m4a: string
  /** Length of both, in seconds. */
  durationSec: number
}

const librivox = '/usr/share/pocketsphinx/test/data/librivox'
const clip = `${librivox}/sense_and_sensibility_01_austen_64kb-0870.wav`

/** About seven seconds of real speech in both of YouTube's audio formats. */
export async function makeVideoAudio(dir: string): Promise<VideoAudio> {
  const webm = path.join(dir, 'lecture.webm')
  const m4a = path.join(dir, 'lecture.m4a')
  await ffmpeg(['-i', clip, '-c:a', 'libopus', '-b:a', '48k', '-ar', '48000', webm])
  await ffmpeg(['-i', clip, '-c:a', 'aac', '-b:a', '64k', '-ar', '44100', m4a])
  const probed = await run(tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', webm])
  const durationSec = Number(/duration=([\d.]+)/u.exec(probed)?.[1])
  return { webm, m4a, durationSec }
}

export interface VideoFacts {
  id: string
  title?: string
  channel?: string
  durationSec?: number | null
  uploadDate?: string
  liveStatus?: string
  /** The chosen audio format's size; null leaves both size fields out, as for a live stream. */
  filesize?: number | null
}

/**
 * An info JSON as yt-dlp's `--dump-single-json` prints it: the video's fields, then the
 * chosen format's fields at the top level, among the many others a client ignores.
 */
export async function videoInfo(facts: VideoFacts, audioFile?: string): Promise<object> {
  const { id } = facts
  const filesize =
    facts.filesize === undefined && audioFile ? (await stat(audioFile)).size : facts.filesize
  const duration = facts.durationSec === undefined ? 7 : facts.durationSec
  const liveStatus = facts.liveStatus ?? 'not_live'
  return {
    id,
    title: facts.title ?? 'Cell division: mitosis and meiosis',
    thumbnail: `https://i.ytimg.com/vi_webp/${id}/maxresdefault.webp`,
    thumbnails: [{ url: `https://i.ytimg.com/vi/${id}/hqdefault.jpg`, id: '0' }],
    description: 'Lecture 5 of Biology 101.',
    channel_id: 'UCEBb1b_L6zDS3xTUrIALZOw',
    channel_url: 'https://www.youtube.com/channel/UCEBb1b_L6zDS3xTUrIALZOw',
    duration,
    view_count: 48213,
    age_limit: 0,
    webpage_url: `https://www.youtube.com/watch?v=${id}`,
    categories: ['Education'],
    live_status: liveStatus,
    automatic_captions: {},
    subtitles: {},
    channel: facts.channel ?? 'Open Biology Lectures',
    uploader: facts.channel ?? 'Open Biology Lectures',
    uploader_id: '@openbiology',
    upload_date: facts.uploadDate ?? '20240115',
    timestamp: 1705334400,
    availability: 'public',
    original_url: `https://www.youtube.com/watch?v=${id}`,
    extractor: 'youtube',
    extractor_key: 'Youtube',
    display_id: id,
    fulltitle: facts.title ?? 'Cell division: mitosis and meiosis',
    duration_string: duration === null ? null : `0:${String(duration).padStart(2, '0')}`,
    is_live: liveStatus === 'is_live',
    was_live: liveStatus === 'was_live' || liveStatus === 'post_live',
    format_id: '251',
    format_note: 'medium',
    ext: 'webm',
    vcodec: 'none',
    acodec: 'opus',
    abr: 48,
    asr: 48000,
    audio_channels: 1,
    protocol: 'https',
    resolution: 'audio only',
    format: '251 - audio only (medium)',
    ...(filesize === null || filesize === undefined
      ? {}
      : { filesize, filesize_approx: Math.round(filesize * 1.01) }),
    _type: 'video',
    _version: { version: '2025.12.08', repository: 'yt-dlp/yt-dlp' },
  }
}
