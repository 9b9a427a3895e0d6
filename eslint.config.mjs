// Lint rules: typescript-eslint's recommended set, plus the layering rules of
// docs/architecture.md (imports point inwards: the outer layers and the
// vertical modules depend on application/, application/ on domain/, the
// domain on nothing of ours) and the workflow sandbox's import rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outside = (...folders) => folders.map((folder) => `**/${folder}/**`);
const restrictedImports = (groups, message) => ['error', { patterns: [{ group: groups, message }] }];

// Files Temporal bundles into the deterministic workflow sandbox: only the workflow API and
// types may come in, or a clock, a time-zone library or I/O could slip into workflow code.
const WORKFLOW_SANDBOX_FILES = [
  'src/workflows/billing-period-workflow.ts',
  'src/workflows/billing-period-run.ts',
  'src/workflows/billing-period-messages.ts',
  'src/workflows/billing-period-types.ts',
  'src/workflows/webhooks/webhook-delivery-workflow.ts',
  'src/workflows/webhooks/webhook-delivery-types.ts',
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'web/generated/**'] },
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
      'no-restricted-imports': restrictedImports(
        outside('application', 'infrastructure', 'read-side', 'workflows', 'composition', 'cli', 'sdk'),
        'the domain imports nothing outside itself',
      ),
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
      'no-restricted-imports': restrictedImports(
        outside('infrastructure', 'read-side', 'workflows', 'composition', 'cli', 'sdk'),
        'application code depends on ports, not adapters or modules',
      ),
    },
  },
  {
    files: ['src/infrastructure/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictedImports(outside('read-side', 'workflows', 'composition', 'cli', 'sdk'), 'adapters depend on application ports only'),
    },
  },
  {
    files: ['src/read-side/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictedImports(outside('infrastructure', 'workflows', 'composition', 'cli', 'sdk'), 'the read side depends on application ports only'),
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    ignores: WORKFLOW_SANDBOX_FILES,
    rules: {
      'no-restricted-imports': restrictedImports(outside('infrastructure', 'read-side', 'composition', 'cli', 'sdk'), 'the workflows depend on application ports only'),
    },
  },
  {
    files: WORKFLOW_SANDBOX_FILES,
    rules: {
      // Type-only imports are erased before bundling; every value import must be the workflow API or a sibling sandbox file.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\./billing-period-(run|messages|types)$|\\./webhook-delivery-types$).*',
              allowTypeImports: true,
              message: 'workflow sandbox code imports only @temporalio/workflow, its sibling sandbox files and types',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
