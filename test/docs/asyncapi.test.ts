import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Parser } from '@asyncapi/parser'
import { asyncApiDocument } from '@tella/contracts'
import t from 'tap'
import { repoRoot } from '../support/index.ts'

t.test('docs/asyncapi.json is valid AsyncAPI and matches the message schemas', async (t) => {
  const committed = await readFile(path.join(repoRoot, 'docs/asyncapi.json'), 'utf8')
  t.same(
    JSON.parse(committed),
    asyncApiDocument(),
    'the committed document is what the contracts generate (run scripts/write-asyncapi.ts)',
  )

  const { document, diagnostics } = await new Parser().parse(committed)
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0)
  t.same(
    errors.map((error) => `${error.path.join('.')}: ${error.message}`),
    [],
    'the AsyncAPI parser reports no errors',
  )
  t.ok(document, 'the parser produced a document')
  const lifecycle = document?.channels().get('jobLifecycle')
  t.equal(lifecycle?.address(), 'imports.lifecycle.{type}.{userToken}.{jobId}')
  t.same(
    document
      ?.operations()
      .all()
      .map((operation) => operation.id())
      .sort(),
    ['receiveJobLifecycle', 'receiveStageEvent', 'sendStageCommand'],
  )
})
