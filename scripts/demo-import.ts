import { createHmac } from 'node:crypto'
import { openAsBlob } from 'node:fs'
import path from 'node:path'

/**
 * The demo's client: waits for jobs-api, uploads a recording as a user would, draws the
 * job's progress, then prints the note. It signs its own JWT with JWT_SECRET.
 */
const [baseUrl, recording] = process.argv.slice(2) as [string, string]
const headers = { authorization: `Bearer ${signToken('demo_user', process.env.JWT_SECRET ?? '')}` }

await waitForReady()
const form = new FormData()
form.append('file', await openAsBlob(recording), path.basename(recording))
const created = await call('POST', '/api/imports/upload', form)
console.log(`Job ${created.id} created: ${created.title}`)

let job = created
let last = ''
while (job.status !== 'COMPLETED' && job.status !== 'FAILED') {
  await new Promise((resolve) => setTimeout(resolve, 250))
  job = await call('GET', `/api/jobs/${created.id}`)
  const percent = String(job.progress).padStart(3)
  const line = `${bar(job.progress)} ${percent}%  ${job.status} ${job.stage}`
  if (line !== last) console.log(line)
  last = line
}
if (job.status === 'FAILED') {
  console.error(`Job failed: ${job.errorCode}: ${job.errorMessage}`)
  process.exit(1)
}

const note = await call('GET', `/api/notes/${job.noteId}`)
console.log(`\nNote ${note.id}: ${note.title} (${note.duration} s, ${note.mimeType})`)
console.log(`\nSummary:\n  ${note.summary || '(none: no speech recognised)'}`)
console.log(`\nKey points: ${note.keyPoints.join(', ') || '(none)'}`)
console.log('\nTranscript:')
for (const segment of note.transcript.segments) {
  console.log(`  [${time(segment.start)} → ${time(segment.end)}] ${segment.text}`)
}

// biome-ignore lint/suspicious/noExplicitAny: the demo prints fields of several API shapes
type Data = any

async function call(method: string, route: string, body?: FormData): Promise<Data> {
  const response = await fetch(`${baseUrl}${route}`, { method, headers, body: body ?? null })
  const payload = (await response.json()) as {
    success: boolean
    data?: Data
    error?: string
    code?: string
  }
  if (!payload.success) throw new Error(`${method} ${route}: ${payload.code} ${payload.error}`)
  return payload.data
}

async function waitForReady() {
  for (let tries = 0; tries < 240; tries++) {
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('jobs-api did not become ready; see .demo/jobs-api.log')
}

function bar(progress: number): string {
  const filled = Math.round(progress / 4)
  return `[${'#'.repeat(filled)}${'.'.repeat(25 - filled)}]`
}

function time(seconds: number): string {
  const minutes = Math.floor(seconds / 60)
  return `${minutes}:${(seconds % 60).toFixed(1).padStart(4, '0')}`
}

function signToken(sub: string, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = { sub, iat: Math.floor(Date.now() / 1000) }
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}
