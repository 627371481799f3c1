// "Did you mean": the closest known words to a mistyped one, by edit distance.

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
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
