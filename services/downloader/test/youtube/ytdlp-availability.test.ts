import { chmod, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { YtDlpEngine } from '../../src/sources/ytdlp-engine.ts'
import { isAtLeast, parseVersion, releaseAge } from '../../src/sources/ytdlp-output.ts'
import { installStandIn, watchUrl } from './support/stand-in.ts'
import { videoInfo } from './support/youtube-fixtures.ts'

const id = 'jNQXAC9IVRw'

function engineAt(executable: string): YtDlpEngine {
  return new YtDlpEngine({ executable, socketTimeoutSec: 5 })
}

t.test(
  'a YTDLP_PATH where nothing is installed fails as DOWNLOAD_ENGINE_UNAVAILABLE',
  async (t) => {
    const missing = path.join(t.testdir(), 'yt-dlp')

    await t.rejects(engineAt(missing).metadata(watchUrl(id), {}), {
      code: 'DOWNLOAD_ENGINE_UNAVAILABLE',
      retryable: false,
      detail: `${missing}: ENOENT`,
    })
  },
)

t.test('a file without the execute bit fails as DOWNLOAD_ENGINE_UNAVAILABLE', async (t) => {
  const file = path.join(t.testdir(), 'yt-dlp')
  await writeFile(file, '#!/bin/sh\necho 2025.12.08\n')
  await chmod(file, 0o644)

  await t.rejects(engineAt(file).version(), {
    code: 'DOWNLOAD_ENGINE_UNAVAILABLE',
    detail: `${file}: EACCES`,
  })
})

t.test('an executable that is not yt-dlp is refused by its --version answer', async (t) => {
  const file = path.join(t.testdir(), 'yt-dlp')
  await writeFile(file, '#!/bin/sh\necho "youtube-dl is not here, try apt"\nexit 0\n')
  await chmod(file, 0o755)

  await t.rejects(engineAt(file).version(), {
    code: 'DOWNLOAD_ENGINE_UNAVAILABLE',
    detail: /--version answered: youtube-dl is not here/u,
  })
})

t.test('yt-dlp installed after a failure is used without a restart', async (t) => {
  const file = path.join(t.testdir(), 'yt-dlp')
  const engine = engineAt(file)
  await t.rejects(engine.version(), { code: 'DOWNLOAD_ENGINE_UNAVAILABLE' })

  await writeFile(file, '#!/bin/sh\necho 2025.12.08\n')
  await chmod(file, 0o755)

  t.equal(await engine.version(), '2025.12.08')
})

t.test('a bare name is looked up on the PATH, as the default YTDLP_PATH is', async (t) => {
  const standIn = await installStandIn({
    version: '2025.12.08',
    metadata: await videoInfo({ id, title: 'Me at the zoo' }),
  })
  const originalPath = process.env.PATH
  process.env.PATH = `${path.dirname(standIn.executable)}:${originalPath}`
  t.teardown(async () => {
    process.env.PATH = originalPath
    await standIn.remove()
  })

  const video = await engineAt('yt-dlp').metadata(watchUrl(id), {})

  t.equal(video.title, 'Me at the zoo')
})

t.test('versions: release days, nightly builds, order and age', async (t) => {
  t.equal(parseVersion('2025.12.08\n'), '2025.12.08')
  t.equal(parseVersion('2025.12.08.233042\n'), '2025.12.08.233042', 'a nightly build')
  t.equal(parseVersion('youtube-dl 2021.12.17'), null)
  t.equal(parseVersion(''), null)

  t.ok(isAtLeast('2025.11.12', '2025.11.12'))
  t.ok(isAtLeast('2025.11.12.1', '2025.11.12'))
  t.ok(isAtLeast('2026.01.02', '2025.11.12'))
  t.notOk(isAtLeast('2025.10.22', '2025.11.12'))
  t.notOk(isAtLeast('2023.03.04', '2025.11.12'))

  const now = new Date('2026-01-15T12:00:00Z')
  t.equal(releaseAge('2026-01-01'.replaceAll('-', '.'), now), '14 days old')
  t.equal(releaseAge('2025.07.15', now), 'about 6 months old')
  t.equal(releaseAge('2023.03.04', now), 'about 2 years old')
})
