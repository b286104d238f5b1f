import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { jetstream } from '@nats-io/jetstream'
import { subjects } from '@tella/contracts'
import { connectNats, encodeJson, ensureTopology, MediaObjects } from '@tella/platform'
import {
  freePort,
  librivoxClips,
  pauseLines,
  serviceProcess,
  stageOutcomes,
  stageQueue,
  startNatsServer,
  waitFor,
  workerReadiness,
} from '@tella/test-support'
import t from 'tap'

/**
 * A downloader whose FFMPEG_PATH names nothing (a volume not mounted yet) stays up, answers
 * 503 with the reason and leaves the download command queued; once the binary is there the
 * next check lets it take the command, as its first attempt.
 */
const nats = await startNatsServer()
const nc = await connectNats({ url: nats.url, name: 'missing-ffmpeg-test' })
t.teardown(async () => {
  await nc.close()
  await nats.stop()
})
await ensureTopology(nc)

t.test('a missing ffmpeg keeps the download queued until the binary appears', async (t) => {
  const [clip] = await librivoxClips()
  if (!clip) throw new Error('no LibriVox clip installed')
  const media = await MediaObjects.open(nc)
  await media.upload('job_ffmpeg/source', clip.file)
  const command = {
    jobId: 'job_ffmpeg',
    userId: 'user_ffmpeg',
    attempt: 1,
    source: 'UPLOAD',
    uploadKey: 'job_ffmpeg/source',
  }
  await jetstream(nc).publish(subjects.command('download'), encodeJson(command))

  const mount = join(t.testdir(), 'mount')
  const port = await freePort()
  const downloader = serviceProcess('downloader', {
    NATS_URL: nats.url,
    HEALTH_PORT: String(port),
    FFMPEG_PATH: join(mount, 'ffmpeg'),
    FFPROBE_PATH: '/usr/bin/ffprobe',
    TOOL_CHECK_INTERVAL_MS: '500',
  })
  t.teardown(() => downloader.kill('SIGKILL'))
  await downloader.start()

  const ready = await workerReadiness(port)
  t.equal(ready.status, 503, 'not ready')
  t.match(ready.body, { reasons: [/FFMPEG_PATH=.*mount\/ffmpeg does not name an executable/] })
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  t.same(await stageQueue(nc, 'download'), { pending: 1, taken: 0, delivered: 0 }, 'untouched')
  t.equal(pauseLines(downloader.logs), 1, 'one error line, not one per check')

  await mkdir(mount)
  await symlink('/usr/bin/ffmpeg', join(mount, 'ffmpeg'))
  await waitFor(async () => (await stageOutcomes(nc)).length === 1, {
    timeoutMs: 30_000,
    what: 'the download to complete',
  })
  t.match((await stageOutcomes(nc))[0], { kind: 'completed', jobId: 'job_ffmpeg', attempt: 1 })
  t.same(await stageQueue(nc, 'download'), { pending: 0, taken: 0, delivered: 1 })
  t.equal((await workerReadiness(port)).status, 200, 'ready')
})
