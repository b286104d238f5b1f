/**
 * File names for downloads, made from a note title that the user typed or a video named. The
 * title may hold anything: path separators, quotes, control characters, names Windows keeps
 * for devices, or text in any script. The name must be safe to save on every common system
 * and the header must stay one valid line.
 */

const fallbackStem = 'transcript'
const maxStemCharacters = 100
// Characters no common file system accepts in a name, the quote that ends the header's quoted
// string, and lone surrogates, which have no UTF-8 form to percent-encode.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\ud800-\udfff]/gu
const edgeDotsAndBlanks = /^[.\s]+|[.\s]+$/gu
const windowsDeviceNames = /^(?:con|prn|aux|nul|com\d|lpt\d)$/iu

/**
 * A file name for a note's export: the title with unsafe characters replaced, blanks
 * collapsed, no leading or trailing dots, at most 100 characters, then the extension.
 *
 * @example
 * safeDownloadName('Week 3: Cells / Mitosis', 'srt') // 'Week 3_ Cells _ Mitosis.srt'
 */
export function safeDownloadName(title: string, extension: string): string {
  let stem = title
    .normalize('NFC')
    .replace(unsafeCharacters, '_')
    .replace(/\s+/gu, ' ')
    .replace(edgeDotsAndBlanks, '')
  // Cut by code point so a character outside the BMP (an emoji) is never split in half.
  stem = Array.from(stem).slice(0, maxStemCharacters).join('').replace(edgeDotsAndBlanks, '')
  if (stem.replaceAll('_', '') === '') stem = fallbackStem
  if (windowsDeviceNames.test(stem)) stem = `_${stem}`
  return `${stem}.${extension}`
}

/**
 * `Content-Disposition: attachment` with the name twice (RFC 6266): an ASCII `filename` for
 * old clients, and the exact UTF-8 name in `filename*` for every client that reads it.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = asciiFallback(fileName)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(fileName)}`
}

/** Accents are dropped (é → e); any other character outside printable ASCII becomes `_`. */
function asciiFallback(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, '_')
    .replace(/["\\]/gu, '_')
}

/** Percent-encodes all but RFC 5987's attr-char set, which lacks `'()*` that URIs allow. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/gu,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
