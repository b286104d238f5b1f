import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root; every path the checks print is relative to it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const deployDir = path.join(repoRoot, 'deploy')
export const k8sDir = path.join(deployDir, 'k8s')
export const imagesDir = path.join(deployDir, 'images')
