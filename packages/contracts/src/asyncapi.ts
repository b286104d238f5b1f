import { LifecycleEvent } from './http.ts'
import { DownloadCommand, StageEvent, SummarizeCommand, TranscribeCommand } from './messages.ts'
import { lifecycleTypes, stages, streams } from './subjects.ts'

const json = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as object

/**
 * The AsyncAPI 3 description of every NATS subject, built from the same TypeBox schemas the
 * services validate messages with, so the document cannot drift from the code.
 * `docs/asyncapi.json` is this document; a test keeps the two equal.
 *
 * @example
 * writeFileSync('docs/asyncapi.json', JSON.stringify(asyncApiDocument(), null, 2))
 */
export function asyncApiDocument() {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tella Imports events',
      version: '1.0.0',
      description:
        'Job lifecycle events for subscribers, and the pipeline subjects between jobs-api and ' +
        'its workers. Lifecycle events are published once in effect: each is written in the ' +
        'same Postgres transaction as the transition (transactional outbox) and published ' +
        'with a JetStream message id, so a publisher crash is deduplicated by the stream. ' +
        'Consumers get them at least once and should deduplicate by (jobId, type, at).',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: 'nats:4222',
        protocol: 'nats',
        description: 'NATS with JetStream; subjects below are captured by JetStream streams.',
      },
    },
    channels: {
      jobLifecycle: {
        address: 'imports.lifecycle.{type}.{userToken}.{jobId}',
        title: 'Job lifecycle',
        description:
          `Stream ${streams.lifecycle}, kept 7 days. One message per transition of a job. ` +
          'userToken is the JWT sub with every character outside [A-Za-z0-9_-] written as ' +
          '~ and its UTF-8 bytes in hex.',
        parameters: {
          type: { enum: [...lifecycleTypes], description: 'The transition.' },
          userToken: { description: 'The owner, encoded as one subject token.' },
          jobId: { description: 'The job id, job_…' },
        },
        messages: { lifecycleEvent: { $ref: '#/components/messages/LifecycleEvent' } },
      },
      stageCommands: {
        address: 'imports.cmd.{stage}',
        title: 'Stage commands (internal)',
        description: workQueue(streams.commands, 'jobs-api asks a worker to run a stage.'),
        parameters: { stage: { enum: [...stages] } },
        messages: {
          download: { $ref: '#/components/messages/DownloadCommand' },
          transcribe: { $ref: '#/components/messages/TranscribeCommand' },
          summarize: { $ref: '#/components/messages/SummarizeCommand' },
        },
      },
      stageEvents: {
        address: 'imports.events.{stage}.{kind}',
        title: 'Stage events (internal)',
        description: workQueue(streams.events, 'workers report progress and results.'),
        parameters: {
          stage: { enum: [...stages] },
          kind: { enum: ['progress', 'completed', 'failed'] },
        },
        messages: { stageEvent: { $ref: '#/components/messages/StageEvent' } },
      },
    },
    operations: {
      receiveJobLifecycle: {
        action: 'receive',
        summary: 'Subscribers: create a durable consumer on the lifecycle stream.',
        channel: { $ref: '#/channels/jobLifecycle' },
        messages: [{ $ref: '#/channels/jobLifecycle/messages/lifecycleEvent' }],
      },
      sendStageCommand: {
        action: 'send',
        summary: 'jobs-api, through its outbox.',
        channel: { $ref: '#/channels/stageCommands' },
        messages: [
          { $ref: '#/channels/stageCommands/messages/download' },
          { $ref: '#/channels/stageCommands/messages/transcribe' },
          { $ref: '#/channels/stageCommands/messages/summarize' },
        ],
      },
      receiveStageEvent: {
        action: 'receive',
        summary: 'jobs-api folds them into job state.',
        channel: { $ref: '#/channels/stageEvents' },
        messages: [{ $ref: '#/channels/stageEvents/messages/stageEvent' }],
      },
    },
    components: {
      messages: {
        LifecycleEvent: { name: 'LifecycleEvent', payload: json(LifecycleEvent) },
        DownloadCommand: { name: 'DownloadCommand', payload: json(DownloadCommand) },
        TranscribeCommand: { name: 'TranscribeCommand', payload: json(TranscribeCommand) },
        SummarizeCommand: { name: 'SummarizeCommand', payload: json(SummarizeCommand) },
        StageEvent: { name: 'StageEvent', payload: json(StageEvent) },
      },
    },
  }
}

/** The description of a channel carried by a work-queue stream. */
function workQueue(stream: string, what: string): string {
  return `Work-queue stream ${stream}: ${what}`
}
