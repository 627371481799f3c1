// A folder this user cannot write to, also when the tests run as root (who ignores permission bits): then it is
// made immutable with chattr, which the kernel enforces for root too. Null where that is impossible (root on a
// filesystem without chattr, e.g. tmpfs): the caller skips what needs it.
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync} from 'node:fs'

export interface ReadOnlyFolder {
  path: string
  release(): void
}

export function readOnlyFolder(path: string): ReadOnlyFolder | null {
  mkdirSync(path, {recursive: true})
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555)
    return {path, release: () => chmodSync(path, 0o755)}
  }
  try {
    execFileSync('chattr', ['+i', path], {stdio: 'ignore'})
  } catch {
    return null
  }
  return {path, release: () => execFileSync('chattr', ['-i', path], {stdio: 'ignore'})}
}
