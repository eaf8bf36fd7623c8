/**
 * Entry of the sandboxed preload, bundled to CommonJS (dist/electron/preload.cjs): sandboxed preloads cannot
 * be ES modules and may require nothing but `electron`.
 */
import { exposePreloadApi } from './api';

exposePreloadApi();
