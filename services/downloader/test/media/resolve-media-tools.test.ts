import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { resolveMediaTools } from '@tella/platform'
import t from 'tap'

const dir = t.testdir()

/** A stand-in binary: the resolver only checks that a file exists and may be executed. */
function fakeBinary(directory: string, name: string, mode = 0o755): string {
  mkdirSync(directory, { recursive: true })
  const path = join(directory, name)
  writeFileSync(path, '#!/bin/sh\nexit 0\n')
  chmodSync(path, mode)
  return path
}

const emptyPath = join(dir, 'empty-bin')
mkdirSync(emptyPath)

t.test('FFMPEG_PATH with an ffprobe beside it: both come from that directory', async (t) => {
  const ffmpeg = fakeBinary(join(dir, 'opt-ffmpeg'), 'ffmpeg')
  const ffprobe = fakeBinary(join(dir, 'opt-ffmpeg'), 'ffprobe')
  t.same(resolveMediaTools({ FFMPEG_PATH: ffmpeg, PATH: emptyPath }), { ffmpeg, ffprobe })
})

t.test('FFMPEG_PATH alone, no ffprobe beside it: ffprobe is taken from PATH', async (t) => {
  const ffmpeg = fakeBinary(join(dir, 'lonely'), 'ffmpeg')
  const ffprobe = fakeBinary(join(dir, 'usr-bin'), 'ffprobe')
  const env = { FFMPEG_PATH: ffmpeg, PATH: `${emptyPath}:${join(dir, 'usr-bin')}` }
  t.same(resolveMediaTools(env), { ffmpeg, ffprobe })
})

t.test('FFPROBE_PATH wins over an ffprobe beside FFMPEG_PATH', async (t) => {
  const ffmpeg = fakeBinary(join(dir, 'pair'), 'ffmpeg')
  fakeBinary(join(dir, 'pair'), 'ffprobe')
  const ffprobe = fakeBinary(join(dir, 'chosen'), 'ffprobe-6')
  const env = { FFMPEG_PATH: ffmpeg, FFPROBE_PATH: ffprobe, PATH: emptyPath }
  t.same(resolveMediaTools(env), { ffmpeg, ffprobe })
})

t.test('FFMPEG_PATH naming a file that does not exist is refused by name', async (t) => {
  const env = { FFMPEG_PATH: join(dir, 'nowhere', 'ffmpeg'), PATH: '/usr/bin' }
  t.throws(() => resolveMediaTools(env), { message: /^FFMPEG_PATH=.*nowhere.* executable/ })
})

t.test('FFMPEG_PATH naming a file without execute permission is refused', async (t) => {
  const env = { FFMPEG_PATH: fakeBinary(join(dir, 'noexec'), 'ffmpeg', 0o644), PATH: '/usr/bin' }
  t.throws(() => resolveMediaTools(env), { message: /FFMPEG_PATH/ })
})

t.test('FFPROBE_PATH naming a directory is refused by name', async (t) => {
  const env = { FFPROBE_PATH: dir, PATH: '/usr/bin' }
  t.throws(() => resolveMediaTools(env), { message: /^FFPROBE_PATH=/ })
})

t.test('PATH without ffmpeg: the error names FFMPEG_PATH and the Debian package', async (t) => {
  t.throws(() => resolveMediaTools({ PATH: emptyPath }), {
    message: /FFMPEG_PATH.*Debian package `ffmpeg`/,
  })
  t.throws(() => resolveMediaTools({}), { message: /FFMPEG_PATH/ }, 'no PATH at all')
})

t.test('ffmpeg found on PATH but ffprobe nowhere: the error names FFPROBE_PATH', async (t) => {
  fakeBinary(join(dir, 'only-ffmpeg'), 'ffmpeg')
  t.throws(() => resolveMediaTools({ PATH: join(dir, 'only-ffmpeg') }), {
    message: /FFPROBE_PATH/,
  })
})

t.test('PATH is scanned in order, skipping entries that are not executable files', async (t) => {
  fakeBinary(join(dir, 'first'), 'ffmpeg', 0o644)
  mkdirSync(join(dir, 'second', 'ffmpeg'), { recursive: true })
  const ffmpeg = fakeBinary(join(dir, 'third'), 'ffmpeg')
  const ffprobe = fakeBinary(join(dir, 'third'), 'ffprobe')
  const PATH = ['first', 'second', 'third'].map((name) => join(dir, name)).join(':')
  t.same(resolveMediaTools({ PATH: `:${PATH}` }), { ffmpeg, ffprobe })
})

t.test('on this machine the default environment finds binaries that run', async (t) => {
  const tools = resolveMediaTools()
  t.match(execFileSync(tools.ffmpeg, ['-version'], { encoding: 'utf8' }), /^ffmpeg version/)
  t.match(execFileSync(tools.ffprobe, ['-version'], { encoding: 'utf8' }), /^ffprobe version/)
})
