import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'
import { findExecutable, type Prerequisite } from '@tella/platform'

/** The model files the engine reads, as pocketsphinx's `-hmm`, `-lm` and `-dict` name them. */
export interface PocketsphinxModel {
  /** Acoustic model directory. */
  hmm: string
  /** Language model file. */
  lm: string
  /** Pronunciation dictionary. */
  dict: string
}

/** Where Debian's `pocketsphinx-en-us` installs the US English model: the binary's default. */
export const debianEnglishModel: PocketsphinxModel = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
}

/** Files every continuous acoustic model holds; the mixture weights come in two forms. */
const acousticModelFiles = ['mdef', 'means', 'variances', 'transition_matrices']

const installHint = 'the Debian packages pocketsphinx and pocketsphinx-en-us provide both'

/**
 * The first model file that is missing or unreadable, or undefined when all are there.
 *
 * @example
 * missingModelFile(debianEnglishModel) // undefined on a machine with pocketsphinx-en-us
 */
export function missingModelFile(model: Partial<PocketsphinxModel>): string | undefined {
  const files = [
    ...(model.hmm ? acousticModelFiles.map((name) => path.join(model.hmm as string, name)) : []),
    ...(model.lm ? [model.lm] : []),
    ...(model.dict ? [model.dict] : []),
  ]
  return files.find((file) => !isReadableFile(file))
}

/**
 * The offline engine as a prerequisite of the transcribe stage: its binary resolvable (a
 * path, or a name on `PATH`) and executable, and its model files readable.
 *
 * @example
 * const check = pocketsphinxPrerequisite('pocketsphinx_continuous', debianEnglishModel)
 * check.check() // undefined, or 'pocketsphinx: …' saying what to fix
 */
export function pocketsphinxPrerequisite(
  binary: string,
  model: PocketsphinxModel,
  env: Record<string, string | undefined> = process.env,
): Prerequisite {
  return {
    name: 'pocketsphinx',
    check() {
      if (!findExecutable(binary, env)) {
        const where = binary.includes('/') ? 'is not an executable file' : 'is not on PATH'
        return `pocketsphinx: POCKETSPHINX_PATH=${binary} ${where}; ${installHint}`
      }
      const missing = missingModelFile(model)
      if (missing) {
        return (
          `pocketsphinx: model file ${missing} is missing or unreadable ` +
          `(POCKETSPHINX_HMM, POCKETSPHINX_LM, POCKETSPHINX_DICT); ${installHint}`
        )
      }
      return undefined
    },
  }
}

function isReadableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false
    accessSync(file, constants.R_OK)
    return true
  } catch {
    return false
  }
}
