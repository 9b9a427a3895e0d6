// Lint rules: typescript-eslint's recommended set, plus the layering rule of
// ARCHITECTURE.md (imports point inwards) expressed as restricted imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outerLayers = ['**/infrastructure/**', '**/projections/**', '**/workflows/**', '**/cli/**', '**/sdk/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'web/dist/**', 'web/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/application/**', ...outerLayers], message: 'the domain imports nothing outside itself' }] },
      ],
      // Time and ids are inputs: the domain may build a Date from a given instant, never read the clock.
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time is an input: pass "now" in' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'time is an input: pass "now" in' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'ids are inputs' }],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: outerLayers, message: 'application code depends on ports, not adapters' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
