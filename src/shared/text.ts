// Text from outside (ARM names, --reason, error messages, library logs) made safe to show: a value must not move the
// cursor, set the terminal title, clear the screen, rewrite a line or reorder what follows it.

// escape sequences whole, so nothing of their payload (a title, a hyperlink target) is left behind: CSI, OSC, and the
// DCS/SOS/PM/APC strings, each in its 7-bit and 8-bit form, then any other ESC sequence
const SEQUENCE =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[\s\S]*?(?:\x1b\\|\x9c|$)|\x1b[ -/]*[0-~]?/g
// C0 and C1 controls and DEL; tab and line feed are decided by the caller
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g
// explicit bidirectional overrides and isolates: they reorder the text that follows them on screen
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g

/**
 * `text` without escape sequences, control characters or bidi overrides. Line feeds and tabs are kept with
 * `keepLines` (a fenced block); otherwise every run of them becomes one space (a value on one line).
 */
export function plainText(text: string, options: {keepLines?: boolean} = {}): string {
  const stripped = text.replace(SEQUENCE, '').replace(BIDI, '')
  return options.keepLines ? stripped.replace(/\r\n?/g, '\n').replace(CONTROL, '') : stripped.replace(/[\t\n\r]+/g, ' ').replace(CONTROL, '')
}

// what the CLI itself writes: colours (SGR) and the spinner's erase-line
const OURS = /^(?:\x1b\[[0-9;]*m|\x1b\[[0-2]?K)$/
// a prompt also moves the cursor within its lines, hides and shows it, and clears below it (never the whole screen);
// watch draws its frames from the top-left corner of the alternate screen, which it enters and leaves
const PROMPT = /^(?:\x1b\[[0-9]*[A-G]|\x1b\[0?J|\x1b\[H|\x1b\[\?(?:25|1049)[hl])$/
const TERMINAL = new RegExp(`${SEQUENCE.source}|\\r|${CONTROL.source}`, 'g')

/**
 * `text` as the terminal may receive it: colours, tabs, line feeds and the spinner's `\r` + erase-line stay; every
 * other escape sequence and control character goes, so that a value inside a line cannot act on the terminal.
 * `prompt` also lets through the cursor movements an interactive prompt needs.
 */
export function terminalSafe(text: string, options: {prompt?: boolean} = {}): string {
  return text.replace(TERMINAL, (match, offset: number) => {
    if (match === '\r') return options.prompt || text.startsWith('\x1b[2K', offset + 1) ? match : ''
    return OURS.test(match) || (options.prompt && PROMPT.test(match)) ? match : ''
  })
}
