import t from 'tap'
import { planChunks } from '../../src/long-audio/chunk-plan.ts'

const bounds = (chunks: { start: number; end: number }[]) =>
  chunks.map((chunk) => [chunk.start, chunk.end])

t.test('a recording within the limit is one chunk, trimmed to its sound', async (t) => {
  const chunks = planChunks(50, [{ start: 0, end: 2 }], { maxChunkSec: 60 })

  t.same(bounds(chunks), [[1.7, 50]], '0.3 s of the opening pause is kept as a lead-in')
  t.same(chunks[0]?.sound, [{ start: 2, end: 50 }])
})

t.test('the cut falls in the longest pause of the later half of the limit', async (t) => {
  const silences = [
    { start: 20, end: 21 },
    { start: 35, end: 37 },
    { start: 50, end: 50.5 },
  ]

  const chunks = planChunks(90, silences, { maxChunkSec: 60 })

  // The 2 s pause at 35–37 beats the shorter one at 50, and the earlier one is out of reach.
  // The cut at 36 leaves the first chunk half a second of the pause as its tail.
  t.same(bounds(chunks), [
    [0, 35.5],
    [36.7, 90],
  ])
})

t.test('with no pause in the later half, one in the earlier part is used', async (t) => {
  const chunks = planChunks(100, [{ start: 10, end: 11 }], { maxChunkSec: 60 })

  t.same(bounds(chunks), [
    [0, 10.5],
    [10.7, 70.5],
    [70.5, 100],
  ])
})

t.test('with no pause in reach the chunk is cut hard at the limit', async (t) => {
  const chunks = planChunks(130, [], { maxChunkSec: 60 })

  t.same(bounds(chunks), [
    [0, 60],
    [60, 120],
    [120, 130],
  ])
})

t.test('the last chunk is never a sliver a server would refuse', async (t) => {
  const chunks = planChunks(60.2, [], { maxChunkSec: 60 })

  t.same(bounds(chunks), [
    [0, 59.7],
    [59.7, 60.2],
  ])
})

t.test('stretches that are only pause are not chunks at all', async (t) => {
  const silences = [
    { start: 0, end: 30 },
    { start: 40, end: 100 },
    { start: 110, end: 140 },
  ]

  const chunks = planChunks(140, silences, { maxChunkSec: 50 })

  t.same(bounds(chunks), [
    [29.7, 40.5],
    [100 - 0.3, 110.5],
  ])
  t.same(
    chunks.map((chunk) => chunk.index),
    [0, 1],
    'indexes count the chunks that are sent',
  )
})

t.test('silence from end to end gives no chunk', async (t) => {
  t.same(planChunks(30, [{ start: 0, end: 30 }], { maxChunkSec: 10 }), [])
})

t.test('cuts are snapped to where the audio can be cut', async (t) => {
  const snap = (seconds: number) => Math.round(seconds * 10) / 10
  const chunks = planChunks(100, [{ start: 40.01, end: 42.02 }], { maxChunkSec: 60, snap })

  for (const chunk of chunks) {
    t.equal(chunk.start, snap(chunk.start))
    t.equal(chunk.end, snap(chunk.end))
  }
})

t.test('a limit that leaves no room for a chunk is refused', async (t) => {
  t.throws(() => planChunks(10, [], { maxChunkSec: 0.5 }), RangeError)
})
