/** Where a command writes: results and progress to stdout, failures and warnings to stderr. */
export interface Output {
  /** One line of results on stdout. */
  out(line: string): void
  /** One line on stderr. */
  err(line: string): void
  /** Text on stdout as it is, for redrawing a progress bar in place. */
  draw(text: string): void
  /** True when stdout is a terminal: a redrawn bar instead of progress lines. */
  readonly tty: boolean
  readonly columns: number
}

export function processOutput(): Output {
  const { stdout, stderr } = process
  return {
    out: (line) => stdout.write(`${line}\n`),
    err: (line) => stderr.write(`${line}\n`),
    draw: (text) => stdout.write(text),
    tty: stdout.isTTY === true,
    columns: stdout.columns || 80,
  }
}

/** `2025-03-01 14:05` in local time, or `-` for no date. */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '-'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const pad = (value: number) => String(value).padStart(2, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  )
}

/** Shortens text to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}
