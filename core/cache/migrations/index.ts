import { migration001 } from './001-initial';
import { migration002 } from './002-coarse-rollups';
import { migration003 } from './003-open-cases-index';
import { migration004 } from './004-week-year-rollups';
import { migration005 } from './005-kind-rollup-counters';
import { migration006 } from './006-grid-period-rollups';
import { migration007 } from './007-healing-quarantine';
import { migration008 } from './008-region-rollups';
import { migration009 } from './009-broken-criteria-index';
import { migration010 } from './010-write-sequence';
import { migration011 } from './011-drop-duplicate-breaking-index';
import { migration012 } from './012-open-cases-by-region';
import { migration013 } from './013-region-departments-services';
import { migration014 } from './014-read-model-sequences';
import { migration015 } from './015-scope-and-critical-indexes';
import type { Migration } from './types';

/** Every migration, in order. A new one is a new file and one line here; never edit a released one. */
export const MIGRATIONS: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
