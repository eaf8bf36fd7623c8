/** Does a posted region tree hold together? One district; each street under the district, each community under a street, each grid under a community; unique ids and codes. */
import type { RegionsResponse } from '../../shared/api/schemas';

const PARENT_LEVEL = { district: null, street: 'district', community: 'street', grid: 'community' } as const;

/** Sentences naming each problem and where it is; empty when the tree is sound. */
export function regionTreeProblems(tree: RegionsResponse): string[] {
  const problems: string[] = [];
  const byId = new Map<string, RegionsResponse['regions'][number]>();
  const codes = new Set<string>();
  for (const r of tree.regions) {
    if (byId.has(r.id)) problems.push(`id "${r.id}" is used twice`);
    if (codes.has(r.code)) problems.push(`code ${r.code} is used twice (the second is "${r.name}")`);
    byId.set(r.id, r);
    codes.add(r.code);
  }
  const districts = tree.regions.filter((r) => r.level === 'district');
  if (districts.length !== 1) problems.push(`a tree has exactly one district (this one has ${districts.length})`);
  for (const r of tree.regions) {
    const wanted = PARENT_LEVEL[r.level];
    if (wanted === null) {
      if (r.parent_id !== null) problems.push(`the district "${r.name}" has a parent ("${r.parent_id}")`);
      continue;
    }
    const parent = r.parent_id === null ? undefined : byId.get(r.parent_id);
    if (!parent) problems.push(`${r.level} "${r.name}" (${r.id}) has no parent in the tree (parent_id ${JSON.stringify(r.parent_id)})`);
    else if (parent.level !== wanted) problems.push(`${r.level} "${r.name}" (${r.id}) sits under a ${parent.level}, not a ${wanted}`);
  }
  return problems;
}
