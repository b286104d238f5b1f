import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { resolveMediaTools } from '@tella/platform'
import t from 'tap'
import { createPocketsphinxEngine } from '../../src/engines/pocketsphinx.ts'
import { createChunkedTranscriber } from '../../src/long-audio/chunked-transcriber.ts'
import { joinWithPauses, librivoxFiles } from '../support/audio.ts'

const run = promisify(execFile)
const silence = { belowPeakDb: -35, minSilenceSec: 0.3 }

function offline(maxChunkSec: number, concurrency: number) {
  return createChunkedTranscriber(createPocketsphinxEngine(), {
    maxChunkSec,
    concurrency,
    silence,
  })
}

/** Pids of this process's live pocketsphinx children, from /proc. */
async function decoders(): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(parent) === process.pid && state !== 'Z' && name.startsWith('pocketsphinx')) {
      found.push(Number(entry))
    }
  }
  return found
}

t.test('chunked pocketsphinx puts every clip’s words within a second of its place', async (t) => {
  const files = [...librivoxFiles, ...librivoxFiles.slice(0, 2)]
  const { wav, placements } = await joinWithPauses(t.testdir(), files, [1.5, 3, 2.25])
  const progress: number[] = []

  const transcript = await offline(12, 2).transcribe(wav, {
    onProgress: (fraction) => progress.push(fraction),
  })

  for (const [index, placement] of placements.entries()) {
    const own = transcript.segments.filter(
      (s) => s.start >= placement.start - 1 && s.end <= placement.end + 1,
    )
    t.ok(own.length > 0, `clip ${index} has segments`)
    const first = own[0]
    const last = own.at(-1)
    if (!first || !last) continue
    t.ok(Math.abs(first.start - placement.start) < 1, `${first.start} starts ${placement.start}`)
    t.ok(Math.abs(last.end - placement.end) < 1, `${last.end} ends ${placement.end}`)
  }
  const placed = transcript.segments.filter((s) =>
    placements.some((p) => s.start >= p.start - 1 && s.end <= p.end + 1),
  )
  t.equal(placed.length, transcript.segments.length, 'no words where there was silence')
  t.same(
    progress,
    [...progress].sort((a, b) => a - b),
    'progress never goes backwards',
  )
  t.ok(progress.length >= 5, `progress moved chunk by chunk: ${progress.length} steps`)
  t.equal(progress.at(-1), 1)
})

t.test('no more decoders run than allowed, and cancelling ends them all', async (t) => {
  const files = [...librivoxFiles, ...librivoxFiles]
  const { wav } = await joinWithPauses(t.testdir(), files, [1.5])
  const controller = new AbortController()
  let most = 0
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      most = Math.max(most, (await decoders()).length)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })()

  const transcribing = offline(10, 2).transcribe(wav, {
    signal: controller.signal,
    onProgress: (fraction) => {
      if (fraction > 0.2) controller.abort()
    },
  })
  await t.rejects(transcribing, { code: 'CANCELLED' })
  const afterAbort = await decoders()
  sampling = false
  await sampler

  t.equal(most, 2, 'two decoders at a time')
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  t.same(await decoders(), [], `no decoder outlives the cancel (at once: ${afterAbort.length})`)
})

t.test('the chunk files are removed, whether the run succeeds or not', async (t) => {
  const dir = t.testdir()
  const { wav } = await joinWithPauses(dir, librivoxFiles.slice(0, 2), [2])

  await offline(6, 2).transcribe(wav, {})

  t.same(await readdir(dir).then((names) => names.filter((n) => n.startsWith('chunks-'))), [])
})

t.test('a clip that fits one chunk is sent as its own file; a tagged one is cut', async (t) => {
  const dir = t.testdir()
  const plain = join(dir, 'plain.wav')
  // ffmpeg writes its encoder tag in a LIST chunk unless told not to, as the downloader is.
  const tagged = join(dir, 'tagged.wav')
  const source = librivoxFiles[0] as string
  await run('sox', [source, plain])
  await run(resolveMediaTools().ffmpeg, ['-v', 'error', '-i', source, tagged])
  const sent: string[] = []
  const engine = createPocketsphinxEngine()
  const recording = createChunkedTranscriber(
    {
      name: engine.name,
      transcribe(path, options) {
        sent.push(path)
        return engine.transcribe(path, options)
      },
    },
    { maxChunkSec: 30, concurrency: 1, silence },
  )

  const whole = await recording.transcribe(plain, {})
  const cut = await recording.transcribe(tagged, {})

  t.equal(sent[0], plain, 'the plain WAV itself, no copy')
  t.match(sent[1], /chunks-[^/]+\/chunk-0\.wav$/, 'a slice with a plain header')
  t.same(cut.text, whole.text, 'the same words either way')
  t.ok(whole.text.split(' ').length > 5, `words: ${whole.text}`)
  t.same(await readdir(dir).then((names) => names.filter((n) => n.startsWith('chunks-'))), [])
})

t.test('a quiet lecture with one full-scale click is transcribed, not called silent', async (t) => {
  const dir = t.testdir()
  const { wav } = await joinWithPauses(dir, librivoxFiles.slice(0, 2), [2])
  const quiet = join(dir, 'quiet.wav')
  await run('sox', [wav, quiet, 'gain', '-n', '-38'])
  const click = join(dir, 'click.wav')
  const synth = ['-n', '-r', '16000', '-c', '1', '-b', '16', click, 'synth', '0.002', 'square']
  await run('sox', [...synth, '500', 'vol', '0.99'])
  const clicked = join(dir, 'quiet-click.wav')
  await run('sox', [quiet, click, clicked])

  const transcript = await offline(30, 2).transcribe(clicked, {})

  const words = transcript.text.split(/\s+/u).filter(Boolean)
  t.ok(words.length >= 10, `${words.length} words: ${transcript.text}`)
})

t.test('a concurrency below one is refused at construction', async (t) => {
  t.throws(
    () =>
      createChunkedTranscriber(createPocketsphinxEngine(), {
        maxChunkSec: 10,
        concurrency: 0,
        silence,
      }),
    /concurrency/,
  )
})
