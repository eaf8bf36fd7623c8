/**
 * Every component a test mounts is unmounted after it: a mounted wall clock or status bar keeps its timers, and a
 * tick due after the test file's page is torn down threw "window is not defined" (unhandled errors in CI).
 */
import { afterEach } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';

enableAutoUnmount(afterEach);
