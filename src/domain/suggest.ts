// "Did you mean": the closest known words to a mistyped one, by edit distance.

/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let previous = Array.from({length: y.length + 1}, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[y.length]
}

/**
 * The known words close enough to `word` to be what was meant (a third of its length in edits, at least 1, at most
 * 3), closest first; a known word that starts with `word` counts too (`inv` → `inventory`).
 */
export function closest(word: string, known: readonly string[], limit = 3): string[] {
  const typed = word.toLowerCase()
  if (!typed) return []
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)))
  return known
    .map((k) => ({k, d: k.toLowerCase().startsWith(typed) ? 0.5 : editDistance(typed, k)}))
    .filter((c) => c.d <= allowed)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map((c) => c.k)
}

// ------------------------------------------------------------------------------------------- suggested commands

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._\-/:=@+,%]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * The one builder of every command geo-redis suggests: `geo-redis <words>` with this run's ARM connection flags
 * (--profile, --subscription, …) so a pasted command cannot silently aim somewhere else. Never consent: a suggested
 * mutation leaves --yes/--confirm to the operator, who types the nickname (a pipeline adds them knowingly).
 */
export function commandLine(words: string[], connection: readonly string[] = []): string {
  return ['geo-redis', ...words, ...connection].map(shellWord).join(' ')
}

/** The same, in backticks, as prose shows every command: where it starts and ends is never in doubt. */
export function suggestCommand(words: string[], connection: readonly string[] = []): string {
  return `\`${commandLine(words, connection)}\``
}
