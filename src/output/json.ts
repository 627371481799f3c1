// JSON results as pieces: exactly the text of JSON.stringify(value, null, 2), member by member of the outer object
// and of the arrays in it, so a result of 10,000 databases never exists as one 14 MB string.

/** Plain arrays and objects this deep are written member by member; deeper ones, each as one piece. */
const OPENED_LEVELS = 2

/** The text of `JSON.stringify(value, null, 2)`, in pieces. */
export function* jsonPieces(value: unknown): Generator<string> {
  // undefined, a function or a symbol has no JSON: printed as a template literal would print it
  if (!isPlainContainer(value)) yield String(JSON.stringify(value, null, 2))
  else yield* containerPieces(value, '', OPENED_LEVELS)
}

function* containerPieces(value: unknown[] | Record<string, unknown>, indent: string, levels: number): Generator<string> {
  const array = Array.isArray(value)
  const inner = `${indent}  `
  let first = true
  for (const [key, item] of array ? Array.from(value, (item): [null, unknown] => [null, item]) : Object.entries(value)) {
    const name = key === null ? '' : `${JSON.stringify(key)}: `
    if (levels > 1 && isPlainContainer(item)) {
      yield `${first ? (array ? '[\n' : '{\n') : ',\n'}${inner}${name}`
      yield* containerPieces(item, inner, levels - 1)
    } else {
      // a member with no JSON is left out of an object and is null in an array, as JSON.stringify does
      const text = JSON.stringify(item, null, 2) ?? (array ? 'null' : undefined)
      if (text === undefined) continue
      // a string in JSON never holds a raw line feed, so every one in `text` starts a line to indent
      yield `${first ? (array ? '[\n' : '{\n') : ',\n'}${inner}${name}${text.replaceAll('\n', `\n${inner}`)}`
    }

    first = false
  }

  yield first ? (array ? '[]' : '{}') : `\n${indent}${array ? ']' : '}'}`
}

/** An array, or an object straight from a literal, with no toJSON: JSON.stringify walks those member by member. */
function isPlainContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  if (typeof value !== 'object' || value === null || typeof (value as {toJSON?: unknown}).toJSON === 'function') return false
  if (Array.isArray(value)) return true
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
