import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.devnet/**', 'coverage/**', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Structured logs only (CONVENTIONS 5); the CLI and bench reports opt out per file.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Build and check scripts, the images' helpers and the CommonJS loader of the native addon run in plain Node.
    files: ['services/native/**/*.{cjs,mjs}', 'scripts/**/*.{cjs,mjs}', 'images/**/*.{cjs,mjs}'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/test/**/*.ts', '**/*.config.js', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
