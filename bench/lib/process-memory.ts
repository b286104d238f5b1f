import { readFile } from 'node:fs/promises'

/** Resident set and its high-water mark, in KiB, from /proc (Linux only). */
export async function processMemory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: field('VmRSS'), hwm: field('VmHWM') }
}

/**
 * Samples a process's resident set every `intervalMs` until stopped, and answers the peak:
 * the highest sample or the kernel's high-water mark, whichever is higher.
 *
 * @example
 * const sampler = sampleMemory(child.pid, 50)
 * await work()
 * const peakKiB = await sampler.stop()
 */
export function sampleMemory(pid: number, intervalMs: number): { stop(): Promise<number> } {
  let peak = 0
  const timer = setInterval(async () => {
    peak = Math.max(peak, (await processMemory(pid).catch(() => ({ rss: 0 }))).rss)
  }, intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      const last = await processMemory(pid)
      return Math.max(peak, last.rss, last.hwm)
    },
  }
}
