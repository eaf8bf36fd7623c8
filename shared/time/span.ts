import type { Day } from './day';

/** Days from..to, both included. */
export interface Span {
  from: Day;
  to: Day;
}
