import { availableParallelism } from 'node:os'
import { ConfigError } from '@tella/platform'
import t from 'tap'
import {
  describeTranscriber,
  loadTranscriberSettings,
  transcriberFromSettings,
  transcriberPrerequisites,
} from '../src/settings.ts'

const key = 'sk-settings-test-key-0123456789'

t.test('without settings the offline engine runs on every core', async (t) => {
  const settings = loadTranscriberSettings({})

  t.equal(settings.TRANSCRIBE_PROVIDER, 'pocketsphinx')
  t.equal(settings.OPENAI_TRANSCRIBE_MODEL, 'whisper-1')
  t.equal(settings.OPENAI_TRANSCRIBE_RESPONSE_FORMAT, 'verbose_json')
  t.equal(transcriberFromSettings(settings).name, 'pocketsphinx')
  t.same(describeTranscriber(settings), {
    provider: 'pocketsphinx',
    binary: 'pocketsphinx_continuous',
    model: {
      hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
      lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
      dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
    },
    maxChunkSec: 60,
    concurrency: availableParallelism(),
  })
})

t.test('the offline engine is checked before work; a remote one has nothing local', async (t) => {
  const [installed] = transcriberPrerequisites(loadTranscriberSettings({}))
  t.equal(await installed?.check(), undefined, "Debian's binary and model pass")

  const lm = '/nonexistent/en-us.lm.bin'
  const [noModel] = transcriberPrerequisites(loadTranscriberSettings({ POCKETSPHINX_LM: lm }))
  t.match(await noModel?.check(), /model file \/nonexistent\/en-us\.lm\.bin is missing/)

  const hmm = t.testdir({ mdef: '', means: '' })
  const [partial] = transcriberPrerequisites(loadTranscriberSettings({ POCKETSPHINX_HMM: hmm }))
  t.match(await partial?.check(), /variances is missing/, 'an acoustic model without variances')

  const binary = '/nonexistent/pocketsphinx_continuous'
  const [noBinary] = transcriberPrerequisites(
    loadTranscriberSettings({ POCKETSPHINX_PATH: binary }),
  )
  t.match(await noBinary?.check(), /POCKETSPHINX_PATH=\/nonexistent.* not an executable file/)

  const openai = { TRANSCRIBE_PROVIDER: 'openai', OPENAI_TRANSCRIBE_API_KEY: key }
  t.same(transcriberPrerequisites(loadTranscriberSettings(openai)), [])
})

t.test('the openai provider takes its own URL, key, model and limits', async (t) => {
  const settings = loadTranscriberSettings({
    TRANSCRIBE_PROVIDER: 'openai',
    OPENAI_TRANSCRIBE_BASE_URL: 'http://127.0.0.1:8000/v1',
    OPENAI_TRANSCRIBE_API_KEY: key,
    OPENAI_TRANSCRIBE_MODEL: 'Systran/faster-whisper-small',
    OPENAI_TRANSCRIBE_TIMEOUT_MS: '30000',
    OPENAI_TRANSCRIBE_CONCURRENCY: '8',
    OPENAI_TRANSCRIBE_MAX_CHUNK_BYTES: '10000000',
  })

  t.equal(settings.OPENAI_TRANSCRIBE_TIMEOUT_MS, 30_000, 'numbers are coerced')
  const transcriber = transcriberFromSettings(settings)
  t.equal(transcriber.name, 'openai:Systran/faster-whisper-small')
  const described = JSON.stringify(describeTranscriber(settings))
  t.match(described, /faster-whisper-small/)
  t.notMatch(described, key, 'the key is never part of what is logged')
})

t.test('credentials in the base URL are not logged either', async (t) => {
  const settings = loadTranscriberSettings({
    TRANSCRIBE_PROVIDER: 'openai',
    OPENAI_TRANSCRIBE_BASE_URL: 'https://proxy-user:proxy-secret@gateway.example/v1',
    OPENAI_TRANSCRIBE_API_KEY: key,
  })

  t.equal(describeTranscriber(settings).baseURL, 'https://gateway.example/v1')
})

t.test('the openai provider without a key is refused, naming the variable', async (t) => {
  t.throws(() => loadTranscriberSettings({ TRANSCRIBE_PROVIDER: 'openai' }), {
    name: 'ConfigError',
    problems: ['OPENAI_TRANSCRIBE_API_KEY: is required when TRANSCRIBE_PROVIDER=openai'],
  })
})

t.test('a base URL that is not http(s) is refused with the key problem', async (t) => {
  const error = (() => {
    try {
      loadTranscriberSettings({
        TRANSCRIBE_PROVIDER: 'openai',
        OPENAI_TRANSCRIBE_BASE_URL: 'localhost:8000',
      })
    } catch (caught) {
      return caught
    }
  })()

  t.ok(error instanceof ConfigError)
  t.match((error as ConfigError).problems, [/OPENAI_TRANSCRIBE_API_KEY/, /BASE_URL: must be/])
})

t.test('unknown providers and out-of-range numbers are refused by name', async (t) => {
  t.throws(() => loadTranscriberSettings({ TRANSCRIBE_PROVIDER: 'whisper' }), {
    message: /TRANSCRIBE_PROVIDER/,
  })
  t.throws(() => loadTranscriberSettings({ POCKETSPHINX_CHUNK_SEC: '1' }), {
    message: /POCKETSPHINX_CHUNK_SEC/,
  })
  t.throws(() => loadTranscriberSettings({ OPENAI_TRANSCRIBE_RESPONSE_FORMAT: 'srt' }), {
    message: /OPENAI_TRANSCRIBE_RESPONSE_FORMAT/,
  })
})
