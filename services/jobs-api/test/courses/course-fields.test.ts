import { isCodedError } from '@tella/contracts'
import t from 'tap'
import { courseColor, courseEmoji, courseName } from '../../src/courses/course-fields.ts'

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return isCodedError(error) ? error.code : 'not a coded error'
  }
  return undefined
}

t.test('a course name is trimmed and single-spaced', async (t) => {
  t.equal(courseName('  Biology   101 '), 'Biology 101')
  t.equal(courseName('Bio\u00a0logy\u3000101'), 'Bio logy 101', 'Unicode spaces are blanks')
})

t.test('a name of 100 characters is accepted, counting an emoji once', async (t) => {
  t.equal(courseName('x'.repeat(100)), 'x'.repeat(100))
  t.equal(courseName('🧬'.repeat(100)), '🧬'.repeat(100), '100 emoji are 200 UTF-16 units')
  t.equal(courseName(`  ${'x'.repeat(100)}  `), 'x'.repeat(100), 'counted after trimming')
})

const badNames = [
  ['empty', ''],
  ['blank', '    '],
  ['a tab between words (a\\tb)', 'a\tb'],
  ['a line feed between words', 'Bio\nlogy'],
  ['a carriage return at the end', 'Biology\r'],
  ['101 characters', 'x'.repeat(101)],
  ['a NUL character', 'Bio\u0000logy'],
  ['a bell character', 'Biology\u0007'],
  ['a C1 control character', 'Bio\u0085logy'],
] as const
for (const [what, name] of badNames) {
  t.test(`a name that is ${what} is refused with COURSE_NAME_INVALID`, async (t) => {
    t.equal(
      codeOf(() => courseName(name)),
      'COURSE_NAME_INVALID',
    )
  })
}

t.test('hex colors are stored in lower case; names and null as they are', async (t) => {
  t.equal(courseColor('#A1B2C3'), '#a1b2c3')
  t.equal(courseColor('green'), 'green')
  t.equal(courseColor(null), null)
})

const emoji = [
  ['a single pictograph', '🧬'],
  ['a pictograph with a skin tone joined to another', '👩🏽‍🔬'],
  ['a family of four joined', '👨‍👩‍👧‍👦'],
  ['a flag', '🇫🇷'],
  ['a subdivision flag made of tag characters', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
  ['a keycap', '1️⃣'],
  ['a heart with its emoji selector', '❤️'],
  ['a heart without it', '❤'],
  ['an emoji of Unicode 15', '🫨'],
  ['a joined sequence of Unicode 15.1', '🐦‍🔥'],
] as const
for (const [what, value] of emoji) {
  t.test(`${what} is one emoji`, async (t) => {
    t.equal(courseEmoji(value), value)
  })
}

const notEmoji = [
  ['a letter', 'a'],
  ['a digit', '1'],
  ['a hash sign', '#'],
  ['two emoji', '🧬🧪'],
  ['an emoji and a letter', '🧬a'],
  ['an emoji after a space', ' 🧬'],
  ['a lone regional indicator', '🇫'],
  ['a word', 'bio'],
  ['an empty string', ''],
] as const
for (const [what, value] of notEmoji) {
  t.test(`${what} is refused with COURSE_EMOJI_INVALID`, async (t) => {
    t.equal(
      codeOf(() => courseEmoji(value)),
      'COURSE_EMOJI_INVALID',
    )
  })
}

t.test('a null emoji stays null: the course has none', async (t) => {
  t.equal(courseEmoji(null), null)
})
