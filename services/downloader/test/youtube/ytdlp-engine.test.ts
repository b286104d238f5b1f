import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import t, { type Test } from 'tap'
import type { DownloadProgress } from '../../src/sources/youtube-engine.ts'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import { installStandIn, type Scenario, watchUrl } from './support/stand-in.ts'
import { makeVideoAudio, videoInfo } from './support/youtube-fixtures.ts'

const dir = t.testdir()
const audio = await makeVideoAudio(dir)
const id = 'dQw4w9WgXcQ'

async function engineFor(t: Test, scenario: Scenario) {
  const standIn = await installStandIn(scenario)
  t.teardown(() => standIn.remove())
  const engine = new YtDlpEngine({
    executable: standIn.executable,
    socketTimeoutSec: 7,
    ffmpegPath: '/opt/ffmpeg/bin/ffmpeg',
  })
  return { standIn, engine }
}

t.test('metadata comes from --dump-single-json, run with every guard rail', async (t) => {
  const metadata = await videoInfo({ id, durationSec: 3600, uploadDate: '20240115' }, audio.webm)
  const { standIn, engine } = await engineFor(t, { version: '2025.12.08', metadata })

  const video = await engine.metadata(watchUrl(id), {})

  t.same(video, {
    id,
    title: 'Cell division: mitosis and meiosis',
    channel: 'Open Biology Lectures',
    durationSec: 3600,
    thumbnailUrl: `https://i.ytimg.com/vi_webp/${id}/maxresdefault.webp`,
    uploadDate: '2024-01-15',
    liveStatus: 'not_live',
    expectedBytes: (await stat(audio.webm)).size,
  })
  const [version, run] = await standIn.calls()
  t.same(version, ['--ignore-config', '--version'], 'the version is asked first')
  t.same(run?.slice(-2), ['--', watchUrl(id)], 'the URL comes last, after --')
  for (const rail of [
    '--ignore-config',
    '--no-playlist',
    '--no-cookies',
    '--no-cookies-from-browser',
    '--dump-single-json',
    '--skip-download',
  ]) {
    t.ok(run?.includes(rail), `${rail} is given`)
  }
  t.same(after(run, '--socket-timeout'), '7')
  t.same(after(run, '--format'), 'bestaudio/best')
  t.same(after(run, '--js-runtimes'), `node:${process.execPath}`, 'Node runs the challenges')
  t.same(after(run, '--ffmpeg-location'), '/opt/ffmpeg/bin/ffmpeg', 'the service’s ffmpeg')
})

t.test('a release older than 2025.11.12 is not given --js-runtimes, unknown to it', async (t) => {
  const metadata = await videoInfo({ id })
  const { standIn, engine } = await engineFor(t, { version: '2024.12.23', metadata })

  const video = await engine.metadata(watchUrl(id), {})

  t.equal(video.title, 'Cell division: mitosis and meiosis')
  const [, run] = await standIn.calls()
  t.notOk(run?.includes('--js-runtimes'))
})

t.test('the version is asked once for many runs', async (t) => {
  const { standIn, engine } = await engineFor(t, {
    version: '2025.12.08',
    metadata: await videoInfo({ id }),
  })

  await engine.metadata(watchUrl(id), {})
  await engine.metadata(watchUrl(id), {})

  const versions = (await standIn.calls()).filter((argv) => argv.includes('--version'))
  t.equal(versions.length, 1)
})

t.test('the download writes the audio where -o says and reports its bytes', async (t) => {
  const { standIn, engine } = await engineFor(t, {
    version: '2025.12.08',
    audio: { file: audio.webm, ext: 'webm', chunks: 8, chunkDelayMs: 5 },
  })
  const target = t.testdir()
  const reports: DownloadProgress[] = []

  const { path: file } = await engine.download(watchUrl(id), target, {
    onProgress: (progress) => reports.push(progress),
  })

  t.equal(file, path.join(target, 'source.webm'))
  t.same(await readFile(file), await readFile(audio.webm), 'the bytes are the served audio')
  t.same(await readdir(target), ['source.webm'], 'no .part file is left')
  const size = (await stat(audio.webm)).size
  t.equal(reports.length, 8, 'one report per progress line')
  t.equal(reports.at(-1)?.downloadedBytes, size)
  t.ok(
    reports.every((report) => report.totalBytes === size),
    'each knows the exact total',
  )
  const rising = reports.every(
    (report, index) =>
      index === 0 || report.downloadedBytes > (reports[index - 1]?.downloadedBytes ?? 0),
  )
  t.ok(rising, 'downloaded bytes only rise')

  const run = (await standIn.calls()).find((argv) => !argv.includes('--version'))
  t.same(after(run, '--format'), 'bestaudio/best', 'audio only')
  t.ok(run?.includes('--newline'))
  t.same(run?.slice(-2), ['--', watchUrl(id)])
})

t.test('progress without an exact total uses the estimate, or none at all', async (t) => {
  for (const total of ['estimate', 'none'] as const) {
    const { engine } = await engineFor(t, {
      version: '2025.12.08',
      audio: { file: audio.m4a, ext: 'm4a', formatId: '140', chunks: 3, total },
    })
    const reports: DownloadProgress[] = []
    const target = t.testdir()
    const { path: file } = await engine.download(watchUrl(id), target, {
      onProgress: (progress) => reports.push(progress),
    })

    t.equal(path.basename(file), 'source.m4a')
    const size = (await stat(audio.m4a)).size
    const expected = total === 'estimate' ? Math.round(size * 1.02) : null
    t.same(
      reports.map((report) => report.totalBytes),
      [expected, expected, expected],
      `${total}: the total is ${expected}`,
    )
  }
})

t.test('anything but a canonical watch URL is refused without running yt-dlp', async (t) => {
  const { standIn, engine } = await engineFor(t, {
    version: '2025.12.08',
    metadata: await videoInfo({ id }),
  })
  const refused = [
    `https://www.youtube.com.evil.example/watch?v=${id}`,
    `http://www.youtube.com/watch?v=${id}`,
    `https://www.youtube.com/watch?v=${id}&list=PL0123456789`,
    '--exec=touch /tmp/owned',
    `https://youtu.be/${id}`,
  ]

  for (const url of refused) {
    await t.rejects(engine.metadata(url, {}), { code: 'INVALID_COMMAND' }, url)
    await t.rejects(engine.download(url, t.testdir(), {}), { code: 'INVALID_COMMAND' }, url)
  }
  t.same(await standIn.calls(), [], 'yt-dlp never ran for them, not even for its version')
})

function after(argv: string[] | undefined, option: string): string | undefined {
  const index = argv?.indexOf(option) ?? -1
  return index >= 0 ? argv?.[index + 1] : undefined
}
