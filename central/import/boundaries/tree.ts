/**
 * From boundary features to the region tree the service stores (PUT /v1/regions): levels and parents worked out,
 * every boundary checked, and the result merged with the tree the district has now.
 *
 * Merge rule (by level): a level the file covers (has at least one feature of) is replaced by the file's regions;
 * a level it does not cover keeps the existing tree's regions. Regions are matched by code (same level): a match
 * keeps its id and, for grids, its profile, and takes the file's name and boundary (real: synthetic_geometry
 * false). Existing regions of a covered level that the file lacks are removed (diff.removed). A kept region whose
 * boundary is synthetic (the demo's), or in another datum than the file's, gets the union of its children's
 * boundaries when they come from the file. The district is the file's, else the existing tree's, else
 * options.district (its boundary then the union of its streets).
 *
 * Parents: a parent-code property, else the code's prefix (grid codes extend their community's code, community
 * codes their street's), else the region of the level above that holds most of its area (a warning says so).
 * Checks run on the file's regions only: boundaries the operator did not send are not theirs to fix here.
 *
 * Codes: a region's code is how a re-import finds it again, so a code that breaks the contract (6–15 digits) is an
 * error naming the feature; no code is made up for it (a made-up code would not match the next import's).
 *
 * Problems here are the tree's; the read's own problems (ReadBoundaries.problems) are not repeated.
 */
import pc from 'polygon-clipping';
import { RegionsResponse, type Region } from '../../../shared/api/schemas';
import { regionTreeProblems } from '../../http/regions';
import type { Problem } from '../types';
import { BoxIndex } from '../spatial';
import { checkedOf, gaps, mostContaining, outsideParent, overlaps, type Checked } from './checks';
import { codeText, LEVEL_NAMES, levelOfCode, levelOfFileName, levelOfWord, nameText, resolveFields, type BoundaryFields, type Level } from './fields';
import { areaOf, cleanGeometry, pointInside, type Area, type PolygonCoords } from './geometry';
import type { ReadBoundaries } from './read';

export type { BoundaryFields } from './fields';

export interface BoundaryImport {
  /** The whole new tree (ready for PUT /v1/regions). */
  tree: RegionsResponse;
  /** Errors stop the import; warnings are accepted by the operator. */
  problems: Problem[];
  /** Region ids vs the existing tree. */
  diff: { created: string[]; updated: string[]; unchanged: string[]; removed: string[] };
}

export interface BuildBoundaryOptions {
  /** Property names of level, code, name and parent code (else guessed per file: fields.ts). */
  fields?: BoundaryFields;
  /** How far boundaries may disagree before a check reports it, in metres (default 20; geometry.ts says how it applies to areas). */
  toleranceMetres?: number;
  attribution?: string;
  /** The district when neither the file nor the existing tree has one. */
  district?: { code: string; name: string };
}

const LEVELS: Level[] = ['district', 'street', 'community', 'grid'];
const PARENT_LEVEL: Record<Level, Level | null> = { district: null, street: 'district', community: 'street', grid: 'community' };
const CODE = /^\d{6,15}$/;

interface Draft {
  code: string;
  level: Level;
  name: string;
  id: string;
  /** The existing region with this code and level (matched or kept). */
  existing?: Region;
  fromFile: boolean;
  file?: string;
  /** Parent code from the feature's parent property. */
  parentCode: string | null;
  parent?: Draft;
  area: Area | null;
  synthetic: boolean;
  /** The boundary is the union of the children's. */
  derived: boolean;
  center?: [number, number];
  checked?: Checked;
}

/** Parent → its children among `drafts`. */
function childrenOf(drafts: Draft[]): Map<Draft, Draft[]> {
  const out = new Map<Draft, Draft[]>();
  for (const d of drafts) {
    const list = out.get(d.parent!);
    if (list) list.push(d);
    else out.set(d.parent!, [d]);
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function labelOf(code: string | null, name: string | null, fallback: string): string {
  if (code && name) return `${code} ${name}`;
  return code ?? name ?? fallback;
}

class TreeBuilder {
  readonly problems: Problem[] = [];
  readonly drafts: Draft[] = [];
  private readonly byCode = new Map<string, Draft>();
  readonly covered = new Set<Level>();
  private readonly tolerance: number;
  readonly datum: RegionsResponse['datum'];

  constructor(
    private readonly reads: ReadBoundaries[],
    private readonly existing: RegionsResponse | null,
    private readonly options: BuildBoundaryOptions,
  ) {
    this.tolerance = options.toleranceMetres ?? 20;
    const datums = new Set(reads.map((r) => r.datum));
    this.datum = reads[0]?.datum ?? existing?.datum ?? 'WGS-84';
    if (datums.size > 1) this.error({}, `这几个文件声明的坐标系不同（${[...datums].join('、')}），同一棵区划树只能用一种；请按实际情况重新声明后再导入。`);
  }

  error(place: Omit<Problem, 'severity' | 'message'>, message: string): void {
    this.problems.push({ severity: 'error', ...place, message });
  }

  warn(place: Omit<Problem, 'severity' | 'message'>, message: string): void {
    this.problems.push({ severity: 'warning', ...place, message });
  }

  label(d: Draft): string {
    return labelOf(d.code, d.name, d.code);
  }

  /** The file's features as drafts (refused ones leave a problem instead). */
  readFeatures(): void {
    for (const read of this.reads) {
      const fields = resolveFields(read.features, this.options.fields);
      const files = [...new Set(read.features.map((f) => f.file))].join('、');
      if (!fields.code && read.features.length) {
        this.error(
          { file: files },
          `“${files}”中找不到编码字段（试过 编码、网格编码、代码、code 等），区划必须有编码；请在导入时指定编码字段，或在属性表中加上编码。`,
        );
        continue;
      }
      for (const f of read.features) {
        const code = codeText(fields.code ? f.properties[fields.code] : null);
        const name = nameText(fields.name ? f.properties[fields.name] : null);
        const label = labelOf(code, name, `第 ${f.index + 1} 个要素`);
        const place = { file: f.file, feature: label };
        if (!code) {
          this.error(place, `“${f.file}”的${label}没有编码（${fields.code} 为空），区划必须有编码；请补上编码后重新导出。`);
          continue;
        }
        if (!CODE.test(code)) {
          this.error(
            { ...place, value: code.slice(0, 60) },
            `${label}的编码“${code}”不是 6 到 15 位数字，不符合区划编码规则（如 511602001001 加网格序号）；请改正编码后重新导出。`,
          );
          continue;
        }
        const written = fields.level ? f.properties[fields.level] : undefined;
        const level = levelOfWord(written) ?? levelOfCode(code) ?? levelOfFileName(f.file);
        if (!level) {
          const said = written === undefined || written === null || written === '' ? '' : `级别“${String(written)}”不认识，`;
          this.error(
            place,
            `${label}：${said}无法判断是街道、社区还是网格（编码 ${code.length} 位，本区规则为 街道 9 位、社区 12 位、网格 13–15 位）；请在属性表中加“级别”字段（街道/社区/网格）。`,
          );
          continue;
        }
        const cleaned = cleanGeometry(f.geometry, this.tolerance, f.file);
        for (const issue of cleaned.issues)
          this.problems.push({ severity: issue.severity, ...place, lonLat: issue.lonLat, message: `${LEVEL_NAMES[level]}“${label}”：${issue.message}` });
        const twin = this.byCode.get(code);
        if (twin) {
          this.error(
            place,
            `编码 ${code} 重复：${LEVEL_NAMES[level]}“${label}”（${f.file}）与“${this.label(twin)}”（${twin.file ?? ''}）用了同一个编码；编码必须唯一，请改正后重新导出。`,
          );
          continue;
        }
        const parent = codeText(fields.parent ? f.properties[fields.parent] : null);
        const draft: Draft = {
          code,
          level,
          name: name ?? code,
          id: '',
          fromFile: true,
          file: f.file,
          parentCode: parent && parent !== code ? parent : null,
          area: cleaned.area,
          synthetic: false,
          derived: false,
        };
        if (!name) this.warn(place, `${LEVEL_NAMES[level]}“${code}”没有名称，暂以编码作名称；请在属性表中补上名称。`);
        this.byCode.set(code, draft);
        this.drafts.push(draft);
        this.covered.add(level);
      }
    }
  }

  /** Existing regions of the levels the file does not cover, and the district by the rule. */
  keepExisting(): void {
    const fileDistricts = this.drafts.filter((d) => d.level === 'district');
    if (fileDistricts.length > 1) {
      this.error(
        { feature: fileDistricts.map((d) => this.label(d)).join('；') },
        `文件中有 ${fileDistricts.length} 个区县（${fileDistricts.map((d) => this.label(d)).join('、')}），一棵区划树只能有一个区县；请只导入本区县的边界。`,
      );
    }
    for (const region of this.existing?.regions ?? []) {
      if (this.covered.has(region.level)) continue;
      if (this.byCode.has(region.code)) {
        const other = this.byCode.get(region.code)!;
        this.error(
          { feature: this.label(other), file: other.file },
          `编码 ${region.code} 在文件中是${LEVEL_NAMES[other.level]}“${other.name}”，在现有区划中却是${LEVEL_NAMES[region.level]}“${region.name}”；请核对编码。`,
        );
        continue;
      }
      const draft: Draft = {
        code: region.code,
        level: region.level,
        name: region.name,
        id: region.id,
        existing: region,
        fromFile: false,
        parentCode: null,
        area: region.geometry as Area,
        synthetic: region.synthetic_geometry,
        derived: false,
        center: region.center,
      };
      this.byCode.set(region.code, draft);
      this.drafts.push(draft);
    }
    if (!this.drafts.some((d) => d.level === 'district')) {
      const given = this.options.district;
      if (!given) {
        this.error({}, '文件和现有区划中都没有区县，区划树需要一个区县；请在导入选项中给出区县的编码和名称（如 511602 广安区）。');
      } else if (!/^\d{6}$/.test(given.code)) {
        this.error({ value: given.code }, `区县编码“${given.code}”不是 6 位数字（GB/T 2260）；请改正后重试。`);
      } else {
        const draft: Draft = {
          code: given.code,
          level: 'district',
          name: given.name,
          id: '',
          fromFile: false,
          parentCode: null,
          area: null,
          synthetic: true,
          derived: false,
        };
        this.byCode.set(given.code, draft);
        this.drafts.push(draft);
      }
    }
  }

  /** Ids: an existing region's when matched by code and level; else the code (as the demo's are). */
  assignIds(): void {
    const existingByCode = new Map((this.existing?.regions ?? []).map((r) => [r.code, r]));
    const used = new Set<string>();
    for (const d of this.drafts) {
      if (d.existing) continue;
      const match = existingByCode.get(d.code);
      if (match && match.level === d.level) {
        d.existing = match;
        d.id = match.id;
      }
    }
    for (const d of this.drafts) if (d.id) used.add(d.id);
    for (const d of this.drafts) {
      if (d.id) continue;
      d.id = used.has(d.code) ? `${d.level}-${d.code}` : d.code;
      used.add(d.id);
    }
  }

  private withArea(level: Level): Draft[] {
    return this.drafts.filter((d) => d.level === level && d.area && !d.synthetic);
  }

  checked(d: Draft): Checked | undefined {
    if (!d.area) return undefined;
    d.checked ??= checkedOf(d.id, this.label(d), d.area, d.file);
    return d.checked;
  }

  resolveParents(): void {
    const byId = new Map(this.drafts.map((d) => [d.id, d]));
    for (const level of LEVELS) {
      const parentLevel = PARENT_LEVEL[level];
      if (!parentLevel) continue;
      const parents = this.drafts.filter((d) => d.level === parentLevel);
      const orphans = this.drafts.filter((x) => x.level === level);
      if (parents.length === 0 && parentLevel !== 'district' && orphans.length) {
        // One sentence for the whole level rather than one per region (a grids-only file into an empty tree).
        this.error(
          { file: orphans[0].file },
          `有 ${orphans.length} 个${LEVEL_NAMES[level]}，但文件和现有区划中都没有${LEVEL_NAMES[parentLevel]}，无法挂到区划树上；请一并导入${LEVEL_NAMES[parentLevel]}边界（可以是另一个文件）。`,
        );
        continue;
      }
      let index: BoxIndex<Checked & { draft: Draft }> | undefined;
      for (const d of orphans) {
        const place = { file: d.file, feature: this.label(d) };
        const what = `${d.fromFile ? '' : '现有'}${LEVEL_NAMES[level]}“${this.label(d)}”`;
        if (d.parentCode) {
          const p = this.byCode.get(d.parentCode);
          if (p && p.level === parentLevel) d.parent = p;
          else if (p)
            this.error(place, `${what}的上级编码 ${d.parentCode} 是${LEVEL_NAMES[p.level]}“${p.name}”，不是${LEVEL_NAMES[parentLevel]}；请核对上级编码。`);
          else
            this.error(
              place,
              `${what}的上级${LEVEL_NAMES[parentLevel]}（编码 ${d.parentCode}）在文件和现有区划中都找不到；请一并导入该${LEVEL_NAMES[parentLevel]}，或改正上级编码。`,
            );
          continue;
        }
        if (d.existing && !d.fromFile && d.existing.parent_id) {
          const p = byId.get(d.existing.parent_id);
          if (p && p.level === parentLevel) {
            d.parent = p;
            continue;
          }
        }
        if (parentLevel === 'district') {
          if (parents.length === 1) d.parent = parents[0];
          continue;
        }
        const byPrefix = this.parentByPrefix(d.code, parentLevel);
        if (byPrefix) {
          d.parent = byPrefix;
          continue;
        }
        const checked = this.checked(d);
        if (checked && d.fromFile) {
          index ??= new BoxIndex(this.withArea(parentLevel).map((p) => ({ ...this.checked(p)!, draft: p })));
          const holder = mostContaining(checked, index);
          if (holder) {
            d.parent = holder.draft;
            this.warn(
              place,
              `${what}没有上级编码，编码也不以某个${LEVEL_NAMES[parentLevel]}的编码开头，已按位置归入${LEVEL_NAMES[parentLevel]}“${this.label(holder.draft)}”（包含其大部分面积）；请核对。`,
            );
            continue;
          }
        }
        this.error(
          place,
          `${what}找不到所属${LEVEL_NAMES[parentLevel]}：没有上级编码字段，编码不以任何${LEVEL_NAMES[parentLevel]}的编码开头${d.fromFile ? '，边界也不在任何' + LEVEL_NAMES[parentLevel] + '内' : ''}；请加上级编码字段，或一并导入其${LEVEL_NAMES[parentLevel]}。`,
        );
      }
    }
  }

  private parentByPrefix(code: string, parentLevel: Level): Draft | undefined {
    for (let n = code.length - 1; n >= 6; n--) {
      const p = this.byCode.get(code.slice(0, n));
      if (p && p.level === parentLevel) return p;
    }
    return undefined;
  }

  /**
   * Boundaries made from children's, bottom-up: kept regions whose boundary is synthetic (or in another datum)
   * and the district given in the options. Children count when their boundary is real.
   */
  deriveGeometry(): void {
    const mismatch = this.existing !== null && this.existing.datum !== this.datum;
    const children = childrenOf(this.drafts.filter((d) => d.parent));
    for (const level of ['community', 'street', 'district'] as Level[]) {
      for (const d of this.drafts.filter((x) => x.level === level && !x.fromFile)) {
        const stale = d.area === null || d.synthetic || (mismatch && !!d.existing);
        if (!stale) continue;
        const real = (children.get(d) ?? []).filter((c) => c.area && !c.synthetic);
        if (real.length === 0 || !real.some((c) => c.fromFile || c.derived)) {
          if (d.area === null)
            this.error(
              { feature: this.label(d) },
              `${LEVEL_NAMES[level]}“${this.label(d)}”没有边界，也没有可合并的下级边界；请在文件中加入它或它的${LEVEL_NAMES[LEVELS[LEVELS.indexOf(level) + 1]]}。`,
            );
          continue;
        }
        let union: PolygonCoords[] | null = null;
        try {
          union = pc.union(...(real.map((c) => this.checked(c)!.polygons) as [pc.MultiPolygon, ...pc.MultiPolygon[]])) as PolygonCoords[];
        } catch {
          union = null;
        }
        if (!union || union.length === 0) {
          this.problems.push({
            severity: d.area === null ? 'error' : 'warning',
            feature: this.label(d),
            message: `${LEVEL_NAMES[level]}“${this.label(d)}”的边界无法由下级边界合并得到（几何计算失败）${d.area === null ? '' : '，暂保留原边界'}；请在文件中加入它的边界。`,
          });
          continue;
        }
        if (!d.synthetic && d.area) {
          this.warn(
            { feature: this.label(d) },
            `现有${LEVEL_NAMES[level]}“${this.label(d)}”的边界是 ${this.existing!.datum} 坐标，与本次文件（${this.datum}）不同，已改用其下级边界合并而成的边界；如需原边界，请按 ${this.datum} 坐标一并导入。`,
          );
        }
        d.area = areaOf(union);
        d.synthetic = false;
        d.derived = true;
        d.checked = undefined;
        d.center = undefined;
      }
    }
    if (!mismatch) return;
    // Kept boundaries in the other datum: real ones cannot stay (hundreds of metres off); synthetic ones are made up anyway.
    const kept = this.drafts.filter((d) => !d.fromFile && !d.derived && d.area);
    for (const d of kept.filter((k) => !k.synthetic)) {
      this.error(
        { feature: this.label(d) },
        `现有${LEVEL_NAMES[d.level]}“${this.label(d)}”的边界是 ${this.existing!.datum} 坐标，本次文件是 ${this.datum} 坐标，两者相差可达数百米，不能放在同一棵区划树里；请在文件中一并导入该级边界，或按实际坐标系声明文件。`,
      );
    }
    const synthetic = kept.filter((k) => k.synthetic).length;
    if (synthetic)
      this.warn(
        {},
        `现有区划中还有 ${synthetic} 个示意边界（${this.existing!.datum} 坐标）保留未动，与本次 ${this.datum} 坐标的边界会有偏差；导入它们的真实边界后即可消除。`,
      );
  }

  runChecks(): void {
    const children = childrenOf(this.drafts.filter((d) => d.parent && d.fromFile && d.area));
    // A region beyond its parent: only where the parent's boundary is real and not made from these very children.
    for (const d of this.drafts) {
      if (!d.fromFile || !d.area || !d.parent?.area || d.parent.synthetic || d.parent.derived) continue;
      const problem = outsideParent(this.checked(d)!, this.checked(d.parent)!, LEVEL_NAMES[d.level], LEVEL_NAMES[d.parent.level], this.tolerance);
      if (problem) this.problems.push(problem);
    }
    for (const level of LEVELS) {
      const mine = this.drafts.filter((d) => d.level === level && d.fromFile && d.area).map((d) => this.checked(d)!);
      if (mine.length > 1) this.problems.push(...overlaps(mine, LEVEL_NAMES[level], this.tolerance));
    }
    for (const [parent, kids] of children) {
      if (!parent.area || parent.synthetic || parent.derived) continue;
      const childLevel = LEVEL_NAMES[kids[0].level];
      this.problems.push(
        ...gaps(
          this.checked(parent)!,
          kids.map((k) => this.checked(k)!),
          LEVEL_NAMES[parent.level],
          childLevel,
          this.tolerance,
        ),
      );
    }
  }

  regions(): Region[] {
    const out: Region[] = [];
    for (const level of LEVELS) {
      const mine = this.drafts.filter((d) => d.level === level && d.area).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      for (const d of mine) {
        const area = d.area!;
        out.push({
          id: d.id,
          code: d.code,
          level,
          name: d.name,
          parent_id: d.parent?.id ?? null,
          center: d.center ?? (d.existing && sameJson(d.existing.geometry, area) ? d.existing.center : pointInside(area)),
          geometry: area,
          synthetic_geometry: d.synthetic,
          profile: level === 'grid' ? (d.existing?.profile ?? null) : null,
        });
      }
    }
    return out;
  }

  attribution(regions: Region[]): string {
    if (this.options.attribution) return this.options.attribution;
    const files = [...new Set(this.drafts.filter((d) => d.fromFile).map((d) => d.file ?? ''))].filter(Boolean).join('、');
    const synthetic = regions.filter((r) => r.synthetic_geometry).length;
    return `边界：导入自 ${files}（${this.datum}）${synthetic ? `；另有 ${synthetic} 个区划为示意边界（synthetic）` : ''}。`;
  }
}

function sameRegion(a: Region, b: Region): boolean {
  const json = (v: unknown) => JSON.stringify(v ?? null);
  return (
    a.code === b.code &&
    a.level === b.level &&
    a.name === b.name &&
    a.parent_id === b.parent_id &&
    a.synthetic_geometry === b.synthetic_geometry &&
    json(a.center) === json(b.center) &&
    json(a.geometry) === json(b.geometry) &&
    json(a.profile) === json(b.profile)
  );
}

function diffOf(existing: RegionsResponse | null, regions: Region[]): BoundaryImport['diff'] {
  const before = new Map((existing?.regions ?? []).map((r) => [r.id, r]));
  const diff: BoundaryImport['diff'] = { created: [], updated: [], unchanged: [], removed: [] };
  const now = new Set<string>();
  for (const r of regions) {
    now.add(r.id);
    const old = before.get(r.id);
    if (!old) diff.created.push(r.id);
    else if (sameRegion(old, r)) diff.unchanged.push(r.id);
    else diff.updated.push(r.id);
  }
  for (const id of before.keys()) if (!now.has(id)) diff.removed.push(id);
  return diff;
}

/**
 * Builds the region tree from features (one file with all levels, or several files, one per level), checks it,
 * and merges it with the existing tree (the rule is in this file's comment).
 */
export function buildBoundaryTree(
  read: ReadBoundaries | ReadBoundaries[],
  existing: RegionsResponse | null,
  options: BuildBoundaryOptions = {},
): BoundaryImport {
  const reads = Array.isArray(read) ? read : [read];
  if (reads.every((r) => r.features.length === 0)) {
    // Nothing was read (the read's own problems say why): the tree stays as it is, with nothing more to say.
    const tree = existing ?? { datum: reads[0]?.datum ?? 'WGS-84', attribution: '', regions: [] };
    return { tree, problems: [], diff: { created: [], updated: [], unchanged: tree.regions.map((r) => r.id), removed: [] } };
  }
  const builder = new TreeBuilder(reads, existing, options);
  builder.readFeatures();
  builder.keepExisting();
  builder.assignIds();
  builder.resolveParents();
  builder.deriveGeometry();
  builder.runChecks();
  const regions = builder.regions();
  const tree: RegionsResponse = { datum: builder.datum, attribution: builder.attribution(regions), regions };
  const problems = builder.problems;
  // The service's own checks, last: they catch what a rule above missed (only when nothing else is wrong, as a
  // refused feature leaves its children without a parent).
  if (!problems.some((p) => p.severity === 'error')) {
    for (const p of regionTreeProblems(tree)) problems.push({ severity: 'error', message: `区划树不完整：${p}；请核对编码与上级编码。` });
    const parsed = RegionsResponse.safeParse(tree);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        const at = issue.path[0] === 'regions' && typeof issue.path[1] === 'number' ? regions[issue.path[1]] : undefined;
        problems.push({
          severity: 'error',
          feature: at ? `${at.code} ${at.name}` : undefined,
          message: `区划不符合接口格式（${issue.path.join('.')}：${issue.message}）；请核对该区划。`,
        });
      }
    }
  }
  return { tree, problems, diff: diffOf(existing, regions) };
}
