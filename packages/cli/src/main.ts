import { runCli } from './cli.ts'
import { processOutput } from './output/output.ts'

// `tella jobs | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
})

process.exitCode = await runCli(process.argv.slice(2), {
  output: processOutput(),
  env: process.env,
})
