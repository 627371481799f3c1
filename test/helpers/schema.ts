// The JSON Schemas in docs/schemas/, compiled once for every test that checks an output against them, with formats
// (date-time, uri …) validated by ajv-formats: a timestamp that is not RFC 3339 fails, as a consumer's validator would.
import {readdirSync, readFileSync} from 'node:fs'
import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import {expect} from 'vitest'

const DIR = new URL('../../docs/schemas/', import.meta.url)
const ID = 'https://geo-redis.dev/schemas/'

const ajv = new Ajv2020({allErrors: true, strict: false})
// ajv-formats is CommonJS: its plugin is also exported as `default`, which is how TypeScript sees it
formats.default(ajv)
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')))

/** The validator of docs/schemas/<name>.schema.json, e.g. schemaValidator('check'). */
export function schemaValidator<T = unknown>(name: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(`${ID}${name}.schema.json`)
  if (!validate) throw new Error(`no schema docs/schemas/${name}.schema.json`)
  return validate
}

/** Asserts that `data` follows docs/schemas/<name>.schema.json; a failure lists every violation. */
export function expectSchema(name: string, data: unknown): void {
  const validate = schemaValidator(name)
  expect(validate(data), JSON.stringify(validate.errors, null, 2)).toBe(true)
}
