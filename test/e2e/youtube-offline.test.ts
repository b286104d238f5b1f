import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import {
  installStandIn,
  isAlive,
  watchUrl,
  youtubeError,
} from '../../services/downloader/test/youtube/support/stand-in.ts'
import { bearer, startStack, watchJob } from '../support/index.ts'

/**
 * A machine with no network at all: yt-dlp either cannot resolve YouTube's name (it fails at
 * once) or, where packets are silently dropped, never answers and is killed at the timeout.
 * Either way the import must end FAILED with the network code after its retries.
 */
const attempts = 3
const timeoutMs = 2000
// The stage runner's backoff between deliveries: 2 s, then 4 s.
const backoffMs = 2000 + 4000

const noDns = 'noDnsHere01'
const blackHole = 'blackHole01'
const dnsFailure = youtubeError(
  noDns,
  'Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution> ' +
    "(caused by URLError(gaierror(-3, 'Temporary failure in name resolution')))",
)

t.test(
  'with no network a YouTube import fails with NETWORK_TIMEOUT after its retries',
  async (t) => {
    const standIn = await installStandIn({
      version: '2025.12.08',
      videos: {
        [noDns]: { fail: { phase: 'metadata', stderr: [dnsFailure], exitCode: 1 } },
        [blackHole]: { hang: 'metadata' },
      },
    })
    t.teardown(() => standIn.remove())
    const stack = await startStack({
      env: {
        YTDLP_PATH: standIn.executable,
        YOUTUBE_TIMEOUT_MS: String(timeoutMs),
        YOUTUBE_SOCKET_TIMEOUT_SEC: '1',
        STAGE_ACK_WAIT_MS: '3000',
        STAGE_MAX_ATTEMPTS: String(attempts),
      },
    })
    t.teardown(() => stack.stop())

    const cases = [
      { id: noDns, name: 'name resolution failing', limitMs: backoffMs + 10_000 },
      {
        id: blackHole,
        name: 'a network that never answers',
        limitMs: attempts * timeoutMs + backoffMs + 10_000,
      },
    ]
    const runs = cases.map(async ({ id, name, limitMs }) => {
      const started = Date.now()
      const response = await fetch(`${stack.baseUrl}/api/imports/youtube`, {
        method: 'POST',
        headers: { ...bearer('user_offline'), 'content-type': 'application/json' },
        body: JSON.stringify({ url: watchUrl(id) }),
      })
      t.equal(response.status, 202, `${name}: the import is accepted`)
      const jobId = ((await response.json()) as { data: { id: string } }).data.id

      const history = await watchJob(stack.baseUrl, jobId, 'user_offline', 60_000)
      const elapsed = Date.now() - started
      const final = history.at(-1)
      t.equal(final?.status, 'FAILED', `${name}: the job ends FAILED`)
      t.equal(final?.errorCode, 'NETWORK_TIMEOUT', `${name}: with the network code`)
      t.match(final?.errorMessage, /^Network timeout: download or processing timed out \(/u)
      t.ok(elapsed < limitMs, `${name}: failed after ${elapsed} ms, within ${limitMs} ms`)
      t.equal(final?.noteId, null)

      const tries = (await standIn.calls()).filter((argv) => argv.includes(watchUrl(id)))
      t.equal(tries.length, attempts, `${name}: yt-dlp ran once per attempt`)
      return jobId
    })
    const jobIds = await Promise.all(runs)

    // Terminal means terminal: nothing brings the jobs back to IN_PROGRESS later.
    await sleep(1500)
    for (const jobId of jobIds) {
      const again = await watchJob(stack.baseUrl, jobId, 'user_offline', 5_000)
      t.equal(again.at(-1)?.status, 'FAILED')
    }
    const alive = (await standIn.pids()).filter(isAlive)
    t.same(alive, [], 'no yt-dlp process or helper is left')
    t.match(
      stack.services.downloader.logs,
      /"code":"NETWORK_TIMEOUT"/u,
      'the worker logged the code',
    )
  },
)
