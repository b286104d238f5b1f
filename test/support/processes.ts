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

/**
 * Stops a process (SIGSTOP) and waits until every one of its threads is stopped. kill()
 * returns before a thread running on another core has taken the signal, so a request sent
 * right after it can still be answered: on a loaded CI machine a "frozen" NATS server replied
 * to a publish that way.
 */
export async function freezeProcess(pid: number, timeoutMs = 5_000): Promise<void> {
  process.kill(pid, 'SIGSTOP')
  const deadline = Date.now() + timeoutMs
  while (!(await allThreadsStopped(pid))) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/** Whether every thread of a process is in state T (stopped), from /proc (Linux only). */
async function allThreadsStopped(pid: number): Promise<boolean> {
  const tasks = await readdir(`/proc/${pid}/task`)
  for (const task of tasks) {
    const stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8').catch(() => '')
    // The state follows the command name, which is in parentheses and may hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (stat && state !== 'T') return false
  }
  return true
}
