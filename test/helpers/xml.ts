// A strict little XML parser for tests: throws on anything not well-formed (no dependency, no python).

export interface Element {
  name: string
  attrs: Record<string, string>
  children: Element[]
  text: string
}

const NAME = '[A-Za-z_][\\w.-]*'
const ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}

function decode(raw: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i.test(raw)) throw new Error(`bare & in ${raw}`)
  return raw.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e],
  )
}

/** A strict little XML parser: throws on anything not well-formed, returns the root element. */
export function parseXml(xml: string): Element {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '')
  const token = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>|([^<]+)`, 'y')
  const stack: Element[] = [{name: '#document', attrs: {}, children: [], text: ''}]
  let match: RegExpExecArray | null
  while (token.lastIndex < body.length) {
    const at = token.lastIndex
    if (!(match = token.exec(body))) throw new Error(`not well-formed at ${at}: ${body.slice(at, at + 40)}`)
    const [, closing, name, rawAttrs, selfClosing, text] = match
    const top = stack.at(-1)!
    if (text !== undefined) {
      if (stack.length === 1 && text.trim()) throw new Error('text outside the root')
      top.text += decode(text)
    } else if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`)
      stack.pop()
    } else {
      const attrs: Record<string, string> = {}
      for (const [, k, v] of rawAttrs.matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
        if (k in attrs) throw new Error(`duplicate attribute ${k}`)
        attrs[k] = decode(v)
      }

      const el: Element = {name, attrs, children: [], text: ''}
      top.children.push(el)
      if (!selfClosing) stack.push(el)
    }
  }

  if (stack.length !== 1 || stack[0].children.length !== 1) throw new Error('unclosed elements or several roots')
  return stack[0].children[0]
}

export const all = (el: Element, name: string): Element[] =>
  el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)])
