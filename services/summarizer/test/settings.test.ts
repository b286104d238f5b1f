import { ConfigError } from '@tella/platform'
import t from 'tap'
import { createSummaryEngine, describeEngine } from '../src/engines/select-engine.ts'
import { loadSummarizerSettings } from '../src/settings.ts'

const openai = {
  SUMMARY_PROVIDER: 'openai',
  OPENAI_SUMMARY_API_KEY: 'sk-settings-test-key',
  OPENAI_SUMMARY_MODEL: 'gpt-4o-mini',
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSummarizerSettings(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('with no settings the offline extractive engine is chosen', async (t) => {
  const settings = loadSummarizerSettings({})
  t.equal(settings.SUMMARY_PROVIDER, 'extractive')
  t.equal(createSummaryEngine(settings).name, 'extractive')
  t.same(describeEngine(settings), { provider: 'extractive' })
})

t.test('the openai provider without a key or model is refused, naming both', async (t) => {
  t.same(problemsOf({ SUMMARY_PROVIDER: 'openai' }), [
    'OPENAI_SUMMARY_API_KEY: is required when SUMMARY_PROVIDER is openai',
    'OPENAI_SUMMARY_MODEL: is required when SUMMARY_PROVIDER is openai',
  ])
  t.match(problemsOf({ ...openai, OPENAI_SUMMARY_API_KEY: '  ' }), [/^OPENAI_SUMMARY_API_KEY:/u])
})

t.test('an unknown provider is refused by name', async (t) => {
  t.match(problemsOf({ SUMMARY_PROVIDER: 'gpt' }), [/^SUMMARY_PROVIDER: /u])
})

t.test('a base URL that is not http(s) is refused', async (t) => {
  t.same(problemsOf({ ...openai, OPENAI_SUMMARY_BASE_URL: 'ftp://models.example/v1' }), [
    'OPENAI_SUMMARY_BASE_URL: must be an http or https URL',
  ])
  t.same(problemsOf({ ...openai, OPENAI_SUMMARY_BASE_URL: 'localhost:8000' }).length, 1)
})

t.test('a token budget too small for the answers it must merge is refused', async (t) => {
  const problems = problemsOf({
    ...openai,
    OPENAI_SUMMARY_TOKEN_BUDGET: '3000',
    OPENAI_SUMMARY_MAX_OUTPUT_TOKENS: '800',
  })
  t.match(problems, [/^OPENAI_SUMMARY_TOKEN_BUDGET: must be at least \d+ when .*800$/u])
})

t.test('out-of-range numbers are refused by name', async (t) => {
  const problems = problemsOf({
    ...openai,
    OPENAI_SUMMARY_TIMEOUT_MS: '10',
    OPENAI_SUMMARY_CONCURRENCY: '0',
  })
  t.match(problems.join('\n'), /OPENAI_SUMMARY_TIMEOUT_MS/u)
  t.match(problems.join('\n'), /OPENAI_SUMMARY_CONCURRENCY/u)
})

t.test('a complete openai setting gives the chat engine, described without the key', async (t) => {
  const settings = loadSummarizerSettings({
    ...openai,
    OPENAI_SUMMARY_BASE_URL: 'http://user:secret@127.0.0.1:8000/v1',
    OPENAI_SUMMARY_JSON_MODE: 'false',
  })
  t.equal(settings.OPENAI_SUMMARY_JSON_MODE, false)
  t.equal(settings.OPENAI_SUMMARY_TOKEN_BUDGET, 8_000, 'default budget')
  t.equal(createSummaryEngine(settings).name, 'openai')

  const described = JSON.stringify(describeEngine(settings))
  t.match(described, /"baseURL":"http:\/\/127\.0\.0\.1:8000\/v1"/u)
  t.notMatch(described, /sk-settings-test-key|secret/u)
})

t.test('the extractive provider ignores the openai settings it does not use', async (t) => {
  t.same(problemsOf({ OPENAI_SUMMARY_BASE_URL: 'not a url' }), [])
})
