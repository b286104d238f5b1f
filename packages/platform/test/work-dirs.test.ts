import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { makeWorkDir, sweepOrphanWorkDirs } from '../src/work-dirs.ts'

const logger = pino({ level: 'silent' })

async function deadPid(): Promise<number> {
  const child = spawn('true')
  await once(child, 'exit')
  return child.pid as number
}

t.test('a work directory names its job and its process', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'work-dirs-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dir = await makeWorkDir('job_Ab3', root)
  t.match(path.basename(dir), new RegExp(`^tella-job_Ab3-${process.pid}-\\w{6}$`, 'u'))
})

t.test('the sweep removes what dead processes left and keeps the living ones', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'work-dirs-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dead = await deadPid()
  const entries = {
    killed: `tella-job_killed-${dead}-aB12cd`,
    earlierContainer: `tella-job_restarted-${process.pid}-Zz9y8x`,
    liveReplica: `tella-job_running-${process.ppid}-q1w2e3`,
    otherTool: 'tella-nats-Exsr0D',
    unrelated: 'job_killed-notes',
  }
  for (const name of Object.values(entries)) {
    await mkdir(path.join(root, name))
    await writeFile(path.join(root, name, 'audio.wav'), 'x')
  }

  const removed = await sweepOrphanWorkDirs(logger, root)
  t.equal(removed, 2)
  t.same(
    (await readdir(root)).sort(),
    [entries.unrelated, entries.otherTool, entries.liveReplica].sort(),
  )
})

t.test('a missing root is nothing to sweep', async (t) => {
  t.equal(await sweepOrphanWorkDirs(logger, path.join(tmpdir(), 'no-such-root-for-tella')), 0)
})
