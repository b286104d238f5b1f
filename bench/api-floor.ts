import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, migrateToLatest } from '@tella/jobs-api/testing'
import { bearer, createTestDatabase, startNatsServer } from '@tella/test-support'
import { listQueryFrom } from './api-floor/capture.ts'
import { explainCall } from './api-floor/plans.ts'
import { seedJobs, seedShape, userId } from './api-floor/seed.ts'
import { type LoadResult, load, loadAverage, pad, rotation } from './lib/load.ts'

/**
 * jobs-api against its floor on one million jobs: each list filter and sort, one job, and the
 * stats, for ordinary users and for one user with 100,000 jobs. The floor is a bare Fastify
 * route running the same SQL with plain `pg` (see api-floor/servers.ts), driven in the same
 * run with the same connections. Aims: every endpoint at least 0.6 of its floor's requests per
 * second, and the heavy user's stats within 2x the median latency of a list call, with no
 * sequential scan of jobs in the heavy user's plans. Exit code 1 when an aim is missed.
 *
 * Usage: pnpm --filter @tella/bench api-floor [secondsPerEndpoint] [connections]
 */
const seconds = Number(process.argv[2] ?? 5)
const connections = Number(process.argv[3] ?? 20)
const minRatio = 0.6
const sampleSize = 400

interface Endpoint {
  name: string
  heavy: boolean
  path: string
  call: 'list' | 'get' | 'stats'
}

const lists = [
  '',
  '?status=COMPLETED',
  '?status=IN_PROGRESS',
  '?source=UPLOAD',
  '?status=FAILED&source=YOUTUBE',
  '?sortBy=updatedAt',
  '?sortBy=completedAt',
  '?sortBy=completedAt&sortOrder=asc',
  '?sortOrder=asc&limit=100',
]
const endpoints: Endpoint[] = [false, true].flatMap((heavy) => [
  ...lists.map((query) => ({
    name: `list${query}`,
    heavy,
    path: `/api/jobs${query}`,
    call: 'list' as const,
  })),
  { name: 'get one job', heavy, path: '/api/jobs/:id', call: 'get' as const },
  { name: 'stats', heavy, path: '/api/jobs/stats', call: 'stats' as const },
])

console.log(`load average at start: ${loadAverage()}`)
const [database, nats] = await Promise.all([createTestDatabase(), startNatsServer()])
const { db, pool } = createDatabase(database.url, 4)
let servers: ChildProcess | undefined
try {
  await migrateToLatest(db)
  const seeding = performance.now()
  const client = await pool.connect()
  try {
    await seedJobs(client)
  } finally {
    client.release()
  }
  const { rows: counted } = await pool.query<{ jobs: string; notes: string }>(
    'select (select count(*) from jobs) as jobs, (select count(*) from notes) as notes',
  )
  const seedSec = (performance.now() - seeding) / 1000
  console.log(
    `seeded ${counted[0]?.jobs} jobs and ${counted[0]?.notes} notes in ${seedSec.toFixed(0)} s`,
  )

  const targets = await sampleTargets()
  const started = await startServers(database.url, nats.url)
  servers = started.child
  const results: Array<{ endpoint: Endpoint; api: LoadResult; floor: LoadResult }> = []

  console.log(`\n${seconds} s per run, ${connections} connections, loopback; req/s and ms`)
  console.log(
    `${'endpoint'.padEnd(44)}${pad('api r/s', 9)}${pad('p50', 5)}${pad('p99', 5)}` +
      `${pad('floor r/s', 11)}${pad('p50', 5)}${pad('p99', 5)}${pad('ratio', 7)}`,
  )
  for (const endpoint of endpoints) {
    const apiUrl = `http://127.0.0.1:${started.api}`
    const floorUrl = `http://127.0.0.1:${started.floor}`
    const warm = { connections, duration: 1 }
    await load(apiUrl, { ...warm, next: requests(endpoint, targets, 'api') })
    await load(floorUrl, { ...warm, next: requests(endpoint, targets, 'floor') })
    const floor = await load(floorUrl, {
      connections,
      duration: seconds,
      next: requests(endpoint, targets, 'floor'),
    })
    const api = await load(apiUrl, {
      connections,
      duration: seconds,
      next: requests(endpoint, targets, 'api'),
    })
    results.push({ endpoint, api, floor })
    const label = `${endpoint.heavy ? 'heavy' : 'users'} ${endpoint.name}`
    console.log(
      `${label.padEnd(44)}${pad(api.rps.toFixed(0), 9)}${pad(api.p50, 5)}${pad(api.p99, 5)}` +
        `${pad(floor.rps.toFixed(0), 11)}${pad(floor.p50, 5)}${pad(floor.p99, 5)}` +
        `${pad((api.rps / floor.rps).toFixed(2), 7)}` +
        (api.failures + floor.failures > 0 ? `  FAILURES ${api.failures}/${floor.failures}` : ''),
    )
  }

  const plans = [
    await explainCall(pool, 'heavy user, default list', seedShape.heavyUser, {
      kind: 'list',
      query: listQueryFrom(new URLSearchParams()),
    }),
    await explainCall(pool, 'heavy user, stats', seedShape.heavyUser, { kind: 'stats' }),
  ]
  for (const plan of plans) console.log(`\n--- plan: ${plan.label}\n${plan.text}`)

  const missed = verdict(
    results,
    plans.reduce((sum, plan) => sum + plan.fullScans, 0),
  )
  console.log(`\nload average at end: ${loadAverage()}`)
  if (missed.length > 0) {
    console.log(`\nMISSED:\n  ${missed.join('\n  ')}`)
    process.exitCode = 1
  } else {
    console.log('\nall aims met')
  }
} finally {
  if (servers) await stopServers(servers)
  await db.destroy()
  await nats.stop()
  await database.drop()
}

interface Targets {
  users: Array<{ userId: string; token: string; jobId: string }>
  heavy: Array<{ userId: string; token: string; jobId: string }>
}

/** Requests spread over 400 users (and 400 of the heavy user's jobs), the same every run. */
async function sampleTargets(): Promise<Targets> {
  const step = Math.floor(seedShape.users / sampleSize)
  const ids = Array.from({ length: sampleSize }, (_, index) => userId(1 + index * step))
  const { rows: jobs } = await pool.query<{ user_id: string; id: string }>(
    `select distinct on (user_id) user_id, id from jobs where user_id = any($1)
     order by user_id, id`,
    [ids],
  )
  const { rows: heavyJobs } = await pool.query<{ id: string }>(
    'select id from jobs where user_id = $1 order by id limit $2',
    [seedShape.heavyUser, sampleSize],
  )
  const heavyToken = bearer(seedShape.heavyUser).authorization
  return {
    users: jobs.map((row) => ({
      userId: row.user_id,
      token: bearer(row.user_id).authorization,
      jobId: row.id,
    })),
    heavy: heavyJobs.map((row) => ({
      userId: seedShape.heavyUser,
      token: heavyToken,
      jobId: row.id,
    })),
  }
}

/** The same requests for both servers: jobs-api gets a token, the floor the bare user id. */
function requests(endpoint: Endpoint, targets: Targets, server: 'api' | 'floor') {
  const next = rotation(endpoint.heavy ? targets.heavy : targets.users)
  return () => {
    const target = next()
    const headers: Record<string, string> =
      server === 'api' ? { authorization: target.token } : { 'x-user-id': target.userId }
    return { path: endpoint.path.replace(':id', target.jobId), headers }
  }
}

function verdict(
  results: Array<{ endpoint: Endpoint; api: LoadResult; floor: LoadResult }>,
  fullScans: number,
): string[] {
  const missed: string[] = []
  for (const { endpoint, api, floor } of results) {
    const name = `${endpoint.heavy ? 'heavy' : 'users'} ${endpoint.name}`
    const ratio = api.rps / floor.rps
    if (ratio < minRatio) missed.push(`${name}: ${ratio.toFixed(2)} of its floor`)
    if (api.failures + floor.failures > 0) missed.push(`${name}: answers that were not 200`)
  }
  const listP50 = results.find((r) => !r.endpoint.heavy && r.endpoint.name === 'list')?.api.p50
  const heavyList = results.find((r) => r.endpoint.heavy && r.endpoint.name === 'list')?.api.p50
  const heavyStats = results.find((r) => r.endpoint.heavy && r.endpoint.call === 'stats')?.api
  if (listP50 !== undefined && heavyStats) {
    const times = heavyStats.p50 / Math.max(1, listP50)
    console.log(
      `\nheavy user's stats p50 ${heavyStats.p50} ms = ${times.toFixed(2)}x an ordinary user's ` +
        `list (${listP50} ms), ${(heavyStats.p50 / Math.max(1, heavyList ?? 1)).toFixed(2)}x ` +
        `the heavy user's own list (${heavyList} ms); aim ≤ 2x`,
    )
    if (times > 2) missed.push(`heavy stats p50 is ${times.toFixed(2)}x a list call`)
  }
  if (fullScans > 0) missed.push(`${fullScans} sequential scans of jobs in the heavy plans`)
  return missed
}

async function startServers(databaseUrl: string, natsUrl: string) {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'api-floor', 'servers.ts')],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: natsUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const [ports] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('the server process exited before listening')
    }),
  ])) as [{ api: number; floor: number }]
  return { child, ...ports }
}

async function stopServers(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = once(child, 'exit')
  child.disconnect()
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
