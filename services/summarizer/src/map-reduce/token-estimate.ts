/**
 * Token counts estimated without the model's tokenizer. The provider may be any
 * OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LocalAI), each with its own vocabulary,
 * so no single tokenizer package would be exact; the estimate instead errs high so that a
 * request planned within the budget stays within it.
 *
 * ASCII text counts one token per three characters: English prose averages about four
 * characters a token in the common BPE vocabularies, so this leaves a quarter of headroom.
 * Every other code point counts as a whole token, since accented, Cyrillic and CJK text
 * often takes one token a character or more.
 *
 * Limitation: a vocabulary that falls back to single bytes for CJK text can spend up to three
 * tokens on one character, beyond this estimate; such a model needs a smaller
 * OPENAI_SUMMARY_TOKEN_BUDGET than its context window suggests.
 */

/** Characters of ASCII text counted as one token. */
const asciiCharsPerToken = 3

/** Tokens a chat message costs beyond its content (role and separators); errs high. */
export const messageOverheadTokens = 8

/**
 * @example
 * estimateTokens('photosynthesis happens in the chloroplast') // 14
 */
export function estimateTokens(text: string): number {
  const counts = countCharacters(text)
  return tokensFor(counts)
}

/** ASCII and other code points of a text, kept apart because they weigh differently. */
export interface CharacterCounts {
  ascii: number
  other: number
}

export function countCharacters(text: string): CharacterCounts {
  let ascii = 0
  let other = 0
  for (const character of text) {
    if ((character.codePointAt(0) ?? 0) < 128) ascii += 1
    else other += 1
  }
  return { ascii, other }
}

export function tokensFor(counts: CharacterCounts): number {
  return Math.ceil(counts.ascii / asciiCharsPerToken) + counts.other
}
