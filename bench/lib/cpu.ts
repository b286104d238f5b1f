import { readFile } from 'node:fs/promises'

const ticksPerSecond = 100

/**
 * CPU seconds a process has used, with those of the children it has waited for (ffmpeg and
 * the speech engine run as children of the workers), from /proc (Linux only).
 */
export async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = [11, 12, 13, 14].map((index) => Number(fields[index] ?? 0))
  return ticks.reduce((sum, value) => sum + value, 0) / ticksPerSecond
}

/** Busy and total CPU seconds of the whole machine, all cores, from /proc/stat. */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
  const values = line.trim().split(/\s+/u).slice(1).map(Number)
  const total = values.reduce((sum, value) => sum + value, 0)
  const idle = (values[3] ?? 0) + (values[4] ?? 0)
  return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond }
}
