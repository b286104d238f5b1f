import { type KV, Kvm, KvWatchInclude } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { buckets } from '@tella/contracts'

/**
 * Tells a worker which jobs were cancelled. jobs-api writes a key per cancelled job into a
 * KV bucket; every worker pod watches the bucket, so a cancel reaches whichever pod runs the
 * job, and a pod that picks a job up later sees the key before it starts.
 */
export class CancellationWatch {
  private readonly listeners = new Map<string, Set<() => void>>()
  private stopWatching: (() => void) | undefined

  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<CancellationWatch> {
    const kv = await new Kvm(nc).open(buckets.cancellations)
    const watch = new CancellationWatch(kv)
    await watch.start()
    return watch
  }

  /** True when the job was cancelled before this call. */
  async isCancelled(jobId: string): Promise<boolean> {
    const entry = await this.kv.get(jobId)
    return entry !== null && entry.operation === 'PUT'
  }

  /** Calls `onCancel` once if the job is cancelled while the returned disposer is held. */
  subscribe(jobId: string, onCancel: () => void): () => void {
    let set = this.listeners.get(jobId)
    if (!set) {
      set = new Set()
      this.listeners.set(jobId, set)
    }
    set.add(onCancel)
    return () => {
      set.delete(onCancel)
      if (set.size === 0) this.listeners.delete(jobId)
    }
  }

  stop(): void {
    this.stopWatching?.()
  }

  private async start(): Promise<void> {
    const updates = await this.kv.watch({ include: KvWatchInclude.UpdatesOnly })
    this.stopWatching = () => updates.stop()
    void (async () => {
      for await (const entry of updates) {
        if (entry.operation !== 'PUT') continue
        for (const listener of this.listeners.get(entry.key) ?? []) listener()
      }
    })()
  }
}
