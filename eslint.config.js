// ESLint for geo-redis: a small strict set on the TypeScript (type-aware, so promises and types are checked), the
// code limits of docs/architecture.md on src/, and the plain recommended set on the JavaScript of bin/, scripts/ and
// bench/. Layers are checked by dependency-cruiser (.dependency-cruiser.cjs), dead code by knip (knip.json).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// counted as a reader meets them: every line, comments and blank lines included
const sizeLimit = (max) => ({max, skipBlankLines: false, skipComments: false})

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.vitest-tmp/**', 'geo-redis-evidence/**', 'test/fixtures/**']},
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {parserOptions: {projectService: {allowDefaultProject: ['vitest.config.ts']}, tsconfigRootDir: import.meta.dirname}},
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // a promise nobody awaits hides its failure: await it, return it, or say `void` on purpose
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', {checksVoidReturn: {arguments: false, attributes: false}}],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      // type-only imports vanish from the bundle and say which imports cost start-up time
      // (`typeof import('#sandbox/…')` stays allowed: it ties a lazily loaded module's type to its name)
      '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports', disallowTypeAnnotations: false}],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // a caught `unknown` is passed on as it came
      '@typescript-eslint/prefer-promise-reject-errors': ['error', {allowThrowingUnknown: true}],
      eqeqeq: ['error', 'always', {null: 'ignore'}],
      // fakes and oclif overrides implement async interfaces without awaiting anything
      '@typescript-eslint/require-await': 'off',
      // stripping terminal control characters is the point of those expressions (shared/text.ts, output/junit.ts)
      'no-control-regex': 'off',
    },
  },
  {
    // tests read the CLI's JSON output, which is `any` by nature; the schemas and assertions are the check there
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // the code limits: one job per file, one job per function, thin commands
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', sizeLimit(400)],
      'max-lines-per-function': ['error', sizeLimit(60)],
    },
  },
  {files: ['src/commands/**/*.ts'], rules: {'max-lines': ['error', sizeLimit(80)]}},
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: {globals: {...globals.node}},
    rules: {'no-unused-vars': ['error', {argsIgnorePattern: '^_', caughtErrors: 'none'}]},
  },
  {files: ['**/*.cjs', 'bin/**/*.js'], languageOptions: {sourceType: 'commonjs'}},
)
