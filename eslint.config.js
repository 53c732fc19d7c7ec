// Lint: typescript-eslint's recommended rules, plus the architecture's
// boundaries — domain code stays pure (no I/O, no framework, no driver, no
// adapter), and application code never reaches for HTTP or a driver.
import tseslint from 'typescript-eslint';

const drivers = ['better-sqlite3', 'kafkajs', 'mongodb', '@eventstore/*', 'plivo', 'sodium-native', 'pino'];
const http = ['fastify', 'fastify-*', '@fastify/*'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '.infra/**', '.tap/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { property: 'only', message: 'A focused test hides the others.' }],
    },
  },
  {
    // Sizes a reader takes in at once (docs/architecture.md). Tests and generated files are exempt.
    files: [
      'services/*/src/**/*.ts',
      'packages/*/src/**/*.ts',
      'contracts/src/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    rules: {
      'max-lines': ['error', { max: 260 }],
      'max-lines-per-function': ['error', { max: 65 }],
    },
  },
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', ...drivers, ...http], message: 'Domain code is pure: no I/O, framework or driver.' },
            {
              group: [
                '@tessera/event-store',
                '@tessera/messaging',
                '@tessera/read-models',
                '@tessera/sms',
                '@tessera/crypto',
                '@tessera/logging',
              ],
              message: 'Domain code depends on no port or adapter.',
            },
            {
              group: ['**/application/**', '**/adapters/**', '**/routes/**'],
              message: 'Domain code does not import outer layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...drivers.filter((name) => name !== 'sodium-native'), ...http],
              message: 'Application code talks to ports, not drivers or HTTP.',
            },
            { group: ['**/adapters/**'], message: 'Application code does not import adapters; main.ts wires them.' },
          ],
        },
      ],
    },
  },
);
