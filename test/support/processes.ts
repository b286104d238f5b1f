import { readdir, readFile } from 'node:fs/promises'

/** Pids of a process's direct children, from /proc (Linux only). */
export async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[])
  const children: number[] = []
  for (const task of tasks) {
    const list = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')
    for (const child of list.split(/\s+/u).filter(Boolean)) children.push(Number(child))
  }
  return children
}
