// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const io = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'pg', 'typeorm', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'child_process', 'node:child_process'];

export default tseslint.config(
  // what .gitignore keeps out of the repository is not linted either
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.pg/**', 'tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-assertions': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Tests may use loose typing for response bodies; they must still await promises.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // DESIGN.md dependency rules: libs/schema depends on nothing of ours, no Nest, no TypeORM.
    files: ['libs/schema/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'pg', '@paivand/*', '**/apps/**'] }],
    },
  },
  {
    // libs/anonymizer: @paivand/schema only; no Nest, no TypeORM, no I/O.
    files: ['libs/anonymizer/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: io, patterns: ['@nestjs/*', '@paivand/anonymizer', '@paivand/synthetic', '@paivand/devdb', '@paivand/nest-common', '**/apps/**'] },
      ],
    },
  },
  {
    // libs/nest-common: what both apps share (coded errors, secrets, the migrate CLI); never an app, never case data.
    files: ['libs/nest-common/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@paivand/anonymizer', '@paivand/synthetic', '**/apps/**'] }] },
  },
  {
    files: ['apps/hub-api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/member-node/**'] }] },
  },
  {
    files: ['apps/member-node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/hub-api/**'] }] },
  },
);
