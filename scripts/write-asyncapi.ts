import { writeFileSync } from 'node:fs'
import { asyncApiDocument } from '@tella/contracts'

/** Regenerates docs/asyncapi.json from the contracts; run after changing a message schema. */
writeFileSync('docs/asyncapi.json', `${JSON.stringify(asyncApiDocument(), null, 2)}\n`)
