import { CodedError, courseNameMaxLength } from '@tella/contracts'

/**
 * The checks of a course's fields that a JSON schema cannot say: a name's length once it is
 * trimmed, and what counts as one emoji. The schema has already refused wrong types, colors
 * outside the palette and absurd lengths.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/u

/**
 * A course name trimmed and single-spaced, 1 to 100 characters (code points, so an emoji
 * counts once). Any control character, tab and line feed included, is refused rather than
 * turned into a space: a name is one line a picker shows, and a tab in it is a client's bug.
 *
 * @example
 * courseName('  Biology   101 ') // 'Biology 101'
 * courseName('Biology\t101') // throws COURSE_NAME_INVALID
 */
export function courseName(raw: string): string {
  if (controlCharacters.test(raw)) throw new CodedError('COURSE_NAME_INVALID')
  const name = raw.replace(/\s+/gu, ' ').trim()
  const length = Array.from(name).length
  if (length === 0 || length > courseNameMaxLength) {
    throw new CodedError('COURSE_NAME_INVALID')
  }
  return name
}

/** Palette names as they are; hex colors in lower case, so equal colors compare equal. */
export function courseColor(raw: string | null): string | null {
  return raw === null ? null : raw.toLowerCase()
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

// What one emoji is made of, from Unicode properties rather than a list, so emoji newer than
// the engine's tables still pass: pictographs with skin tones, variation selectors, joiners
// and tag characters (👩🏽‍🔬, 🏴󠁧󠁢󠁳󠁣󠁴󠁿); a flag of two regional indicators; a keycap (1️⃣).
// The `v` flag's RGI_Emoji would be stricter, but TypeScript refuses it below ES2024.
const pictograph = /\p{Extended_Pictographic}/u
const pictographSequence =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{200d}|\u{fe0f}|[\u{e0020}-\u{e007f}])+$/u
const flag = /^\p{Regional_Indicator}{2}$/u
const keycap = /^[0-9#*]\u{fe0f}?\u{20e3}$/u

function isEmojiSequence(value: string): boolean {
  if (flag.test(value) || keycap.test(value)) return true
  return pictograph.test(value) && pictographSequence.test(value)
}

/**
 * Exactly one emoji: one grapheme that is an emoji sequence. Letters, digits, punctuation,
 * two emoji, or an emoji with text around it are refused.
 *
 * @example
 * courseEmoji('🧬') // '🧬'
 * courseEmoji('👩🏽‍🔬') // '👩🏽‍🔬' (one grapheme)
 * courseEmoji('🧬🧪') // throws COURSE_EMOJI_INVALID
 */
export function courseEmoji(raw: string | null): string | null {
  if (raw === null) return null
  const single = Array.from(graphemes.segment(raw)).length === 1
  if (!single || !isEmojiSequence(raw)) {
    throw new CodedError('COURSE_EMOJI_INVALID')
  }
  return raw
}
