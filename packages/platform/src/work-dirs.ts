import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Logger } from 'pino'

/** `tella-<jobId>-<pid>-<random>`: the pid says which process a directory belongs to. */
const workDirPattern = /^tella-(job_[A-Za-z0-9_-]+?)-(\d+)-[A-Za-z0-9]+$/u

/**
 * A scratch directory for one stage run of a job, named after the job and this process.
 * The stage removes it when it ends; `sweepOrphanWorkDirs` removes those of a process that
 * was killed before it could.
 */
export function makeWorkDir(jobId: string, root = tmpdir()): Promise<string> {
  return mkdtemp(path.join(root, `tella-${jobId}-${process.pid}-`))
}

/**
 * Removes the work directories of processes that no longer run. Called once at a worker's
 * start: a worker SIGKILLed mid-stage (OOM, node drained) left its source and audio behind,
 * and in Kubernetes its emptyDir outlives the container, so leftovers would pile up towards
 * the volume's size limit. A directory carrying this process's own pid belongs to an earlier
 * container of the pod (pids repeat across container restarts), since this one made none yet.
 * Directories of other live processes (replicas sharing a host's /tmp) are left alone.
 */
export async function sweepOrphanWorkDirs(logger: Logger, root = tmpdir()): Promise<number> {
  let removed = 0
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = workDirPattern.exec(name)
    if (!match) continue
    const pid = Number(match[2])
    if (pid !== process.pid && isRunning(pid)) continue
    await rm(path.join(root, name), { recursive: true, force: true })
    logger.info({ jobId: match[1], dir: name, pid }, 'orphaned work directory removed')
    removed++
  }
  return removed
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
