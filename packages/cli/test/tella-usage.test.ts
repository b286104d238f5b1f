import { createHmac } from 'node:crypto'
import { freePort, testJwtSecret } from '@tella/test-support'
import t from 'tap'
import { tella } from './support/run-tella.ts'

const api = { TELLA_TOKEN: 'some.token.value' }

t.test('no command prints the usage to stderr and exits 2', async (t) => {
  const result = await tella([])
  t.equal(result.code, 2)
  t.equal(result.stdout, '')
  t.match(result.stderr, /Usage: tella <command>/)
})

t.test('--help lists every command with the settings and exit codes, and exits 0', async (t) => {
  const result = await tella(['--help'])
  t.equal(result.code, 0)
  for (const name of ['import', 'jobs', 'show', 'cancel', 'delete', 'retry', 'note', 'token']) {
    t.match(result.stdout, new RegExp(`^  ${name}\\b`, 'mu'), `${name} is listed`)
  }
  t.match(result.stdout, /TELLA_API_URL/)
  t.match(result.stdout, /TELLA_TOKEN/)
  t.match(result.stdout, /Exit status/)
})

t.test('every command has its own --help', async (t) => {
  const names = ['import', 'jobs', 'show', 'cancel', 'delete', 'retry', 'note', 'token']
  const results = await Promise.all(names.map((name) => tella([name, '--help'])))
  for (const [index, result] of results.entries()) {
    t.equal(result.code, 0, `${names[index]} --help exits 0`)
    t.match(result.stdout, new RegExp(`^Usage: tella ${names[index]}\\b`, 'u'))
    t.match(result.stdout, /Options:/)
  }
})

t.test('usage mistakes exit 2 with a message that names the mistake', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['publish'], /unknown command "publish"/],
    [['jobs', '--colour'], /unknown option --colour/],
    [['show'], /missing <job-id>/],
    [['show', 'job_a', 'job_b'], /unexpected argument "job_b"/],
    [
      ['jobs', '--status', 'done'],
      /--status must be one of PENDING, IN_PROGRESS, COMPLETED, FAILED/,
    ],
    [['jobs', '--sort', 'title'], /--sort must be one of createdAt, updatedAt, completedAt/],
    [['note', 'note_a', '--format', 'pdf'], /--format must be one of txt, srt, vtt, json/],
    [['import', '/no/such/recording.wav'], /no such file: \/no\/such\/recording\.wav/],
    [['import', '/tmp'], /\/tmp is not a file/],
  ]
  const results = await Promise.all(cases.map(([args]) => tella(args, api)))
  for (const [index, result] of results.entries()) {
    const [args, message] = cases[index] as [string[], RegExp]
    t.equal(result.code, 2, `tella ${args.join(' ')} exits 2`)
    t.match(result.stderr, message, `tella ${args.join(' ')} says why`)
    t.match(result.stderr, /Run 'tella .*--help' for usage\./)
  }
})

t.test('a command that needs the API and has no token says how to get one', async (t) => {
  const result = await tella(['jobs'])
  t.equal(result.code, 2)
  t.match(result.stderr, /no token: set TELLA_TOKEN or pass --token/)
  t.match(result.stderr, /tella token --user/)
})

t.test('TELLA_API_URL that is not an http URL is refused before anything is sent', async (t) => {
  const result = await tella(['jobs'], { ...api, TELLA_API_URL: 'ftp://files.example' })
  t.equal(result.code, 2)
  t.match(result.stderr, /TELLA_API_URL must be an http or https URL/)
})

t.test('an API nobody listens on is reported as unreachable with exit 3', async (t) => {
  const url = `http://127.0.0.1:${await freePort()}`
  const result = await tella(['jobs'], { ...api, TELLA_API_URL: url })
  t.equal(result.code, 3)
  t.match(result.stderr, `cannot reach ${url}: is jobs-api running?`)
  t.match(result.stderr, /ECONNREFUSED/)
  t.equal(result.stdout, '')
})

t.test('token refuses a missing or short JWT_SECRET', async (t) => {
  const [unset, short] = await Promise.all([
    tella(['token', '--user', 'user_a']),
    tella(['token', '--user', 'user_a'], { JWT_SECRET: 'fifteen-chars!!' }),
  ])
  t.equal(unset.code, 2)
  t.match(unset.stderr, /JWT_SECRET is not set/)
  t.equal(short.code, 2)
  t.match(short.stderr, /JWT_SECRET is shorter than 16 characters/)
  t.equal(unset.stdout + short.stdout, '', 'no token is printed')
})

t.test('token needs --user and a positive --ttl', async (t) => {
  const env = { JWT_SECRET: testJwtSecret }
  const [noUser, badTtl] = await Promise.all([
    tella(['token'], env),
    tella(['token', '--user', 'user_a', '--ttl', 'forever'], env),
  ])
  t.equal(noUser.code, 2)
  t.match(noUser.stderr, /--user <id> is required/)
  t.equal(badTtl.code, 2)
  t.match(badTtl.stderr, /--ttl must be a positive duration/)
})

t.test('token prints an HS256 JWT for the user that expires after --ttl', async (t) => {
  const result = await tella(['token', '--user', 'user_alice', '--ttl', '30m'], {
    JWT_SECRET: testJwtSecret,
  })
  t.equal(result.code, 0)
  t.match(result.stderr, /warning: tella token is for development only/)

  const token = result.stdout.trim()
  const [header = '', payload = '', signature] = token.split('.')
  const expected = createHmac('sha256', testJwtSecret)
    .update(`${header}.${payload}`)
    .digest('base64url')
  t.equal(signature, expected, 'signed with JWT_SECRET')
  t.same(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' })
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  t.equal(claims.sub, 'user_alice')
  t.equal(claims.exp - claims.iat, 1800)
  t.ok(Math.abs(claims.iat - Date.now() / 1000) < 60, 'issued now')
})
