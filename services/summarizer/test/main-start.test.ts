import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

t.test('the service refuses to start with the openai provider and no key', async (t) => {
  // Nothing listens on port 1: had the settings passed, the service would fail differently.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH,
      SUMMARY_PROVIDER: 'openai',
      OPENAI_SUMMARY_MODEL: 'gpt-4o-mini',
      NATS_URL: 'nats://127.0.0.1:1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk)
  })

  const [code] = await once(child, 'exit')

  t.not(code, 0, 'it exits with an error')
  t.match(stderr, /OPENAI_SUMMARY_API_KEY: is required when SUMMARY_PROVIDER is openai/u)
})
