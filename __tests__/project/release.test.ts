/**
 * scripts/release.sh in a throwaway clone: it tags vX.Y.Z and moves vX only
 * when the tree is clean, the version is named and dist/ is the build of src/.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
let clone: string

/** A clone of the working tree as it is now (committed or not), with the project's node_modules. */
beforeEach(() => {
  clone = mkdtempSync(join(tmpdir(), 'release-'))
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, stdio: 'pipe' })
  execFileSync('git', ['clone', '-q', root, clone])
  // Bring the clone to this working tree, so the test checks the files being changed.
  for (const file of execFileSync('git', ['ls-files', '-m', '-o', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8'
  })
    .split('\n')
    .filter((file) => file && existsSync(join(root, file)))) {
    execFileSync('mkdir', ['-p', join(clone, file, '..')])
    writeFileSync(join(clone, file), readFileSync(join(root, file)))
  }
  // ...deleted files included (git rm'd or just removed).
  for (const file of execFileSync(
    'git',
    ['diff', '--name-only', '--no-renames', '--diff-filter=D', 'HEAD'],
    {
      cwd: root,
      encoding: 'utf8'
    }
  )
    .split('\n')
    .filter(Boolean)) {
    rmSync(join(clone, file), { force: true })
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
  writeFileSync(join(clone, '.git/info/exclude'), 'node_modules\n')
  git('add', '-A')
  git(
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.invalid',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'release test'
  )
})
afterEach(() => rmSync(clone, { recursive: true, force: true }))

const version = (): string =>
  (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { version: string }).version

function release(...args: string[]) {
  return spawnSync('bash', ['scripts/release.sh', ...args], { cwd: clone, encoding: 'utf8' })
}
const tags = () =>
  execFileSync('git', ['tag', '--points-at', 'HEAD'], { cwd: clone, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)

/** Builds here and commits dist/: bundle module IDs depend on where node_modules lies, and here it is a link. */
function commitBuild() {
  execFileSync('npm', ['run', 'build'], { cwd: clone, stdio: 'pipe' })
  const author = ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid']
  execFileSync('git', [...author, 'commit', '-qam', 'build', '--allow-empty'], { cwd: clone })
}
const major = () => `v${version().split('.')[0]}`

test('tags vX.Y.Z and the major tag when dist/ is the build of src/', () => {
  commitBuild()
  const result = release(version())
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  expect(tags().sort()).toEqual([`v${version()}`, major()].sort())
  expect(result.stdout).toContain(
    `Publish with: git push origin refs/tags/v${version()} +refs/tags/${major()}`
  )
}, 60_000)

test('leaves the major tag on a newer release: a patch of an older line does not take it back', () => {
  commitBuild()
  const [maj, minor] = version().split('.').map(Number)
  const newer = `v${maj}.${minor + 1}.0`
  const author = ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid']
  execFileSync('git', [...author, 'tag', '-a', newer, '-m', newer, 'HEAD~1'], { cwd: clone })
  execFileSync('git', [...author, 'tag', '-fa', major(), '-m', newer, 'HEAD~1'], { cwd: clone })

  const result = release(version())

  expect(result.status).toBe(0)
  expect(tags()).toEqual([`v${version()}`])
  expect(result.stdout).toContain(`${major()} stays on ${newer}, which is newer`)
  expect(result.stdout).toContain(`Publish with: git push origin refs/tags/v${version()}\n`)
}, 60_000)

test('refuses --push without a remote named origin, before tagging', () => {
  execFileSync('git', ['remote', 'remove', 'origin'], { cwd: clone })
  const result = release(version(), '--push')
  expect(result.status).toBe(1)
  expect(result.stderr).toContain('--push needs a remote named origin')
  expect(tags()).toEqual([])
})

test('refuses when dist/ is not the build of src/', () => {
  const main = join(clone, 'src/action/main.ts')
  writeFileSync(main, `${readFileSync(main, 'utf8')}\nexport const changed = 1\n`)
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid', 'commit', '-qam', 'src only'],
    {
      cwd: clone
    }
  )
  const result = release(version())
  expect(result.status).toBe(1)
  expect(result.stderr).toContain('dist/ is not the build of src/')
  expect(tags()).toEqual([])
}, 60_000)

test.each([
  ['9.9.9', 'package.json says version'],
  ['1.0', 'give the version as X.Y.Z']
])('refuses version %s: %s', (v, message) => {
  const result = release(v)
  expect(result.status).toBe(1)
  expect(result.stderr).toContain(message)
})
