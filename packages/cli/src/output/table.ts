/**
 * Plain text columns, left aligned, two spaces apart; the last column is not padded so
 * lines carry no trailing blanks.
 *
 * @example
 * renderTable(['ID', 'STATUS'], [['job_1', 'COMPLETED']])
 * // ['ID     STATUS', 'job_1  COMPLETED']
 */
export function renderTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
  return [line(headers), ...rows.map(line)]
}
