// Lint enforces the architecture invariants in ARCHITECTURE.md: vscode only under src/host,
// onnxruntime-node only under src/inference, webviews import neither node nor the host.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (paths, patterns = []) => ({
  'no-restricted-imports': [
    'error',
    { paths: paths.map((name) => ({ name, message: 'Architecture invariant: see ARCHITECTURE.md', allowTypeImports: true })), patterns },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-ci/**',
      '.cache/**',
      'test/integration/suite/**/*.js',
      'test/fixtures/**',
      'synthetic/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/host/**', 'src/inference/**'], rules: restrict(['vscode', 'onnxruntime-node']) },
  { files: ['src/inference/**/*.ts'], rules: restrict(['vscode']) },
  { files: ['src/host/**/*.ts'], rules: restrict(['onnxruntime-node']) },
  {
    files: ['webview/**/*.ts'],
    rules: restrict(
      ['vscode', 'onnxruntime-node', 'fs', 'node:fs', 'child_process', 'node:child_process'],
      [
        {
          group: ['../src/host/*', '../../src/host/*', '../../src/inference/*', '../../src/storage/*', '../../src/cli/*'],
          message: 'Webviews only render and message (ARCHITECTURE.md).',
        },
      ],
    ),
  },
  {
    files: ['scripts/**/*.{js,mjs}', 'test/**/*.{js,mjs}', '*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
