// The docs never install from the npm registry: `geo-redis` is not published there, and the name is not ours, so
// `npm install -g geo-redis` would install whatever someone else publishes under it.
import {readdirSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

const ROOT = new URL('../../', import.meta.url)
const FILES = ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const FROM_REGISTRY = /\b(?:npm\s+(?:install|i|add)(?:\s+-\S+)*\s+geo-redis(?:@\S*)?(?=\s|$|`)|npx\s+(?:-\S+\s+)*geo-redis\b|yarn\s+(?:global\s+)?add\s+geo-redis\b|pnpm\s+add\s+(?:-\S+\s+)*geo-redis\b)/m

describe('install instructions', () => {
  it.each(FILES)('%s installs from a clone or a packed tarball, never the registry name', (file) => {
    const text = readFileSync(new URL(file, ROOT), 'utf8')
    expect(text.match(FROM_REGISTRY)?.[0] ?? null).toBeNull()
  })

  it('the README says how: a clone, or a tarball from npm pack, and "Try it" does not install again', () => {
    const readme = readFileSync(new URL('README.md', ROOT), 'utf8')
    expect(readme).toMatch(/npm pack/)
    const tryIt = readme.slice(readme.indexOf('## Try it'), readme.indexOf('\n## ', readme.indexOf('## Try it') + 1))
    expect(tryIt).not.toMatch(/npm (ci|install|run build)/)
  })
})
