// Lint, and the layering rule of ARCHITECTURE.md: an import across a forbidden boundary fails `npm test`.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layerDirs = ['shared', 'core', 'central', 'web', 'electron', 'renderer', 'scripts', 'tests'];
/** A relative import that reaches into one of the layer folders, e.g. "../../core/cache/db" (not "echarts/core"). */
const into = (...layers) => `^\\.{1,2}/(?:[^]*/)?(?:${layers.join('|')})(?:/|$)`;
const nativeOrNodeOnly = ['better-sqlite3', 'axios', 'fastify', '@fastify/*', 'ws', 'electron', 'docx', 'exceljs', 'jszip', 'playwright-core'];
const uiOnly = ['vue', 'pinia', 'vue-router', 'vue-i18n', 'echarts', 'echarts/*', 'maplibre-gl', 'maplibre-gl/*'];
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'location'].map((name) => ({
  name,
  message: 'This layer runs outside the browser: no DOM (see ARCHITECTURE.md).',
}));

/** One layer's rule: which modules and which other layers it may not import. */
function layer(files, { paths = [], layers = [], dom = true, node = true, extraPatterns = [] }) {
  const patterns = [];
  if (layers.length) patterns.push({ regex: into(...layers), message: 'Layering: this layer may not import that one (see ARCHITECTURE.md).' });
  if (extraPatterns.length) patterns.push(...extraPatterns);
  const restrictedPaths = [...paths, ...(node ? [] : nodeBuiltins)].map((name) => ({
    name,
    message: 'Layering: this module is not available in this layer (see ARCHITECTURE.md).',
  }));
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { paths: restrictedPaths, patterns }],
      ...(dom ? {} : { 'no-restricted-globals': ['error', ...domGlobals] }),
    },
  };
}

export default tseslint.config(
  { ignores: ['**/.scratch/**', 'dist/**', 'node_modules/**', '.tsbuild/**', 'test-results/**', 'playwright-report/**', 'tmp/**', 'out/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  // shared: pure TypeScript that runs anywhere.
  layer(['shared/**/*.ts'], { paths: [...nativeOrNodeOnly, ...uiOnly], layers: layerDirs.filter((l) => l !== 'shared'), dom: false, node: false }),
  // core: Node only; knows nothing of hosts or UI.
  layer(['core/**/*.ts'], { paths: ['electron', ...uiOnly], layers: ['central', 'web', 'electron', 'renderer', 'scripts', 'tests'], dom: false }),
  // The cache's SQL lives in core/cache (reads.ts, store.ts, inspect.ts, migrations): the rest of the core reads
  // through CacheReads and never opens or queries a connection itself.
  {
    ...layer(['core/**/*.ts'], {
      paths: ['electron', 'better-sqlite3', ...uiOnly],
      layers: ['central', 'web', 'electron', 'renderer', 'scripts', 'tests'],
      dom: false,
    }),
    ignores: ['core/cache/**'],
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/cache/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(prepare|pragma)$/]',
          message: 'SQL belongs in core/cache (reads.ts for reads): call a named function of CacheReads instead.',
        },
      ],
    },
  },
  // central: the data service, a program of its own; the app only speaks the contract to it (DESIGN §3).
  layer(['central/**/*.ts'], { paths: ['electron', 'axios', ...uiOnly], layers: ['core', 'web', 'electron', 'renderer', 'scripts', 'tests'], dom: false }),
  // web host: Node; uses core and shared.
  layer(['web/**/*.ts'], { paths: ['electron', ...uiOnly], layers: ['central', 'electron', 'renderer', 'scripts', 'tests'], dom: false }),
  // Electron main: thin; uses core, shared, web (for nothing but shared pieces) and electron.
  layer(['electron/main/**/*.ts'], { paths: uiOnly, layers: ['central', 'renderer', 'scripts', 'tests', 'preload'], dom: false }),
  // preload: sandboxed; contextBridge/ipcRenderer and shared only.
  layer(['electron/preload/**/*.ts'], {
    paths: [...nativeOrNodeOnly.filter((m) => m !== 'electron'), ...uiOnly],
    layers: ['core', 'central', 'web', 'main', 'renderer', 'scripts', 'tests'],
    dom: false,
    node: false,
  }),
  // renderer: the browser; talks to the host only through the bridge.
  layer(['renderer/src/**/*.{ts,vue}'], { paths: nativeOrNodeOnly, layers: ['core', 'central', 'web', 'electron', 'scripts', 'tests'], node: false }),
  // Layout is Prettier's (`prettier --check` in `npm run lint`): ESLint's own layout rules are off.
  prettier,
);
