/**
 * Map and chart colours. Status and kind colours come from the Okabe–Ito palette (distinguishable with the common
 * colour-vision deficiencies) and are never the only carrier: every status also has a pattern, outline or label,
 * every kind a glyph.
 */
import type { EventKind, Severity, Stage } from '../../../shared/api/schemas';
import type { GridState } from '../../../shared/bridge/scene';

export type GridStatus = GridState['status'];

export const STATUS_COLOR: Record<GridStatus, string> = {
  safe: '#009e73', // bluish green
  at_risk: '#d55e00', // vermillion, plus hatching, a dashed outline and a ⚠ marker
  normal: '#5b7fa6', // neutral steel blue: neither title nor alarm
};

export const KIND_COLOR: Record<EventKind, string> = {
  appeal: '#56b4e9', // sky blue
  dispute: '#e69f00', // orange
  incident: '#cc79a7', // reddish purple
  hazard: '#f0e442', // yellow
  service: '#2fd3a5', // light bluish green
};

/** One character per kind, drawn inside each point so kind is readable without colour. */
export const KIND_GLYPH: Record<EventKind, string> = {
  appeal: '诉',
  dispute: '纠',
  incident: '治',
  hazard: '隐',
  service: '服',
};

/** Stage: the further along the loop, the thinner and dimmer the ring (new cases stand out). */
export const STAGE_RING: Record<Exclude<Stage, 'closed'>, number> = {
  reported: 3,
  analysed: 2.2,
  dispatched: 1.6,
  supervised: 1.2,
  evaluated: 0.8,
};

export const SEVERITY_SCALE: Record<Severity, number> = { low: 1, medium: 1.1, high: 1.3, critical: 1.6 };

export const MAP_COLORS = {
  background: '#041021',
  districtFill: '#0a2342',
  districtLine: '#3fd0ff',
  streetLine: '#7fe3ff',
  communityLine: 'rgba(127, 200, 255, 0.55)',
  gridLine: 'rgba(160, 200, 240, 0.35)',
  label: '#e6f1ff',
  labelHalo: '#041021',
  selected: '#ffffff',
  hover: '#ffc53d',
  cluster: '#3fd0ff',
};
