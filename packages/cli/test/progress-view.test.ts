import type { Job } from '@tella/contracts'
import t from 'tap'
import type { Output } from '../src/output/output.ts'
import { progressView } from '../src/output/progress.ts'

function recorder(tty: boolean) {
  const written: string[] = []
  const output: Output = {
    out: (line) => written.push(`${line}\n`),
    err: () => undefined,
    draw: (text) => written.push(text),
    tty,
    columns: 80,
  }
  return { output, written }
}

const at = (status: Job['status'], stage: string, progress: number) =>
  ({ status, stage, progress }) as Job

t.test('without a terminal, each change is one plain line and repeats are dropped', async (t) => {
  const { output, written } = recorder(false)
  const view = progressView(output)
  view.update(at('PENDING', 'download', 0))
  view.update(at('IN_PROGRESS', 'transcribe', 40))
  view.update(at('IN_PROGRESS', 'transcribe', 40))
  view.update(at('COMPLETED', 'note', 100))
  view.finish()
  t.same(written, [
    'progress   0%  queued\n',
    'progress  40%  transcribing\n',
    'progress 100%  completed\n',
  ])
})

t.test('on a terminal, one bar is redrawn in place and its line ended once', async (t) => {
  const { output, written } = recorder(true)
  const view = progressView(output)
  view.update(at('IN_PROGRESS', 'summarize', 80))
  view.finish()
  view.finish()
  t.equal(written.length, 2)
  t.equal(written[0], `\r\u001b[2K[${'#'.repeat(32)}${'.'.repeat(8)}]  80%  summarising`)
  t.equal(written[1], '\n')
})
