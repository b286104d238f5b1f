import type { SummarizeCommand } from '@tella/contracts'
import type { StageContext } from '@tella/platform'
import { pino } from 'pino'
import t from 'tap'
import { mapPromptOpening } from '../src/chat/prompts.ts'
import { runSummarizeStage } from '../src/summarize-stage.ts'
import { startChatServer, summaryReply } from './support/chat-server.ts'
import { engineFor, systemOf, transcriptOf } from './support/engine-harness.ts'

const command: SummarizeCommand = {
  jobId: 'job-1',
  userId: 'user-1',
  attempt: 1,
  transcriptKey: 'job-1/transcript.json',
}

/** The stage reads only this one stored transcript; the object store itself is not the point. */
function mediaHolding(document: object) {
  return {
    async getJson(key: string) {
      if (key !== command.transcriptKey) throw new Error(`unexpected key ${key}`)
      return document
    },
  }
}

function contextRecording(progress: number[]): StageContext<SummarizeCommand> {
  return {
    command,
    signal: new AbortController().signal,
    deliveryCount: 1,
    reportProgress: (fraction) => progress.push(fraction),
    logger: pino({ enabled: false }),
  }
}

t.test('an empty transcript gives an empty summary without asking the provider', async (t) => {
  const server = await startChatServer(t, () => summaryReply('invented', ['invented']))
  const media = mediaHolding({ text: '  ', segments: [], engine: 'pocketsphinx' })

  const result = await runSummarizeStage(contextRecording([]), media, engineFor(server))

  t.same(result, { summary: '', keyPoints: [] })
  t.equal(server.requests.length, 0, 'no request was sent')
})

t.test('the stage progress rises with each part of a long transcript', async (t) => {
  const server = await startChatServer(t, (request) =>
    systemOf(request.body).startsWith(mapPromptOpening)
      ? summaryReply('A part.')
      : summaryReply('The lecture.', ['Point']),
  )
  const texts = Array.from({ length: 600 }, (_, index) => `segment ${index} about the topic`)
  const media = mediaHolding({ ...transcriptOf(texts), engine: 'pocketsphinx' })
  const progress: number[] = []
  const engine = engineFor(server, { tokenBudget: 2_000, maxOutputTokens: 300, concurrency: 1 })

  const result = await runSummarizeStage(contextRecording(progress), media, engine)

  t.same(result, { summary: 'The lecture.', keyPoints: ['Point'] })
  const maps = server.requests.length - 1
  t.ok(maps >= 3, `${maps} parts`)
  t.ok(progress.length >= maps + 1, `${progress.length} progress reports`)
  t.same(
    progress,
    [...progress].sort((a, b) => a - b),
    'only rising',
  )
  t.equal(progress[0], 0.1, 'reading the transcript is the first tenth')
  t.equal(progress.at(-1), 1)
})

t.test('a transcript carried in the command is summarised without reading the store', async (t) => {
  const server = await startChatServer(t, () => summaryReply('From the command.', ['inline']))
  const inline = { text: 'Entropy rises in a closed system.', segments: [], engine: 'x' }
  const context = { ...contextRecording([]), command: { ...command, transcript: inline } }
  const unreadable = {
    async getJson(): Promise<unknown> {
      throw new Error('the store was read')
    },
  }

  const result = await runSummarizeStage(context, unreadable, engineFor(server))

  t.same(result, { summary: 'From the command.', keyPoints: ['inline'] })
  t.match(JSON.stringify(server.requests[0]?.body), /Entropy rises/, 'the provider got its text')
})
