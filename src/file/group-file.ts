// The GroupFiles port on the local file system: a group file read (bounded, a regular file) and parsed as YAML or
// JSON (YAML 1.2 reads both), and what it references: secrets from an environment variable or a file, CA files.
// Relative paths are from the group file's folder. Every secret read is registered before it is returned, so no
// output, log or evidence can carry it. Syntax errors name the file and the line, never the text of the line (it may
// hold a secret pasted in the wrong place).
import {dirname, isAbsolute, resolve} from 'node:path'
import {parseDocument} from 'yaml'
import {UsageError} from '../domain/errors.js'
import {GROUP_FILE_DOC, type SecretRef} from '../domain/group-file.js'
import type {GroupFiles} from '../services/ports.js'
import {FileReadError, readBoundedFileSync} from '../shared/bounded-read.js'
import {secrets} from '../shared/redact.js'

const GROUP_FILE_MAX_BYTES = 1 << 20
const SECRET_FILE_MAX_BYTES = 64 << 10

/** How a CA file becomes trusted certificates: the CLI's own reader (certificates only, a private key dropped). */
type CaReader = (path: string, label: string, suggestion: string) => string

export class FileGroupFiles implements GroupFiles {
  constructor(private readonly readCa: CaReader) {}

  async read(path: string): Promise<unknown> {
    const text = readFile(path, GROUP_FILE_MAX_BYTES, `the group file ${path}`).toString('utf8')
    const document = parseDocument(text, {uniqueKeys: true})
    const error = document.errors[0]
    if (error) {
      const line = error.linePos?.[0].line
      // the first sentence only: yaml's message goes on to quote the source
      const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
      throw new UsageError(`the group file ${path}${line ? `, line ${line}` : ''}: ${what}`, `fix the YAML or JSON syntax; ${GROUP_FILE_DOC}`, 'BadGroupFile')
    }
    try {
      return document.toJS({maxAliasCount: 50}) as unknown
    } catch (e) {
      throw new UsageError(`the group file ${path}: ${(e as Error).message.split('\n')[0]}`, GROUP_FILE_DOC, 'BadGroupFile')
    }
  }

  async secret(ref: SecretRef, groupFile: string, where: string): Promise<string> {
    let value: string
    if ('env' in ref) {
      value = process.env[ref.env] ?? ''
      if (value === '') throw new UsageError(`the group file ${groupFile}: ${where} names the environment variable ${ref.env}, which is not set or empty`, `export ${ref.env}=<password>, or reference a file: {file: path}`, 'GroupFileSecretMissing')
    } else {
      const path = relativeTo(groupFile, ref.file)
      // one trailing line break is the file's, not the secret's
      value = readFile(path, SECRET_FILE_MAX_BYTES, `the password file ${path} (${where} in ${groupFile})`).toString('utf8').replace(/\r?\n$/, '')
      if (value === '') throw new UsageError(`the password file ${path} (${where} in ${groupFile}) is empty`, 'write the password in it, on one line', 'GroupFileSecretMissing')
    }
    secrets.add(value)
    return value
  }

  async caPem(path: string, groupFile: string, where: string): Promise<string> {
    return this.readCa(relativeTo(groupFile, path), `${where} in ${groupFile}:`, 'name the PEM file of the CA that signed the member\'s certificate')
  }
}

function relativeTo(groupFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(groupFile), path)
}

function readFile(path: string, maxBytes: number, what: string): Buffer {
  try {
    return readBoundedFileSync(path, {maxBytes})
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`${what} ${error.reason}`, GROUP_FILE_DOC, 'BadGroupFile')
    throw error
  }
}
