import { LANGUAGES } from './i18n';
import { TOTAL_CODE } from './codelists/codelist';
import { DatasetDecl, DatasetUnit, ProtectionMethod, ProtectionPolicy, protectionRangeOf, RECORD_ATTRIBUTES } from './datasets/dataset';
import { PeriodType } from './period';
import { Standard } from './standard';

/**
 * A standard document that is not one the hub and the nodes can rely on (checkStandardDocument):
 * `field` names where, `message` says what is wrong. The hub answers it as STANDARD_INVALID; a node
 * refuses to switch to the document.
 */
export class StandardDocumentError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`Invalid standard document: ${field} ${detail}`);
    this.name = 'StandardDocumentError';
  }
}

/**
 * What a code may be made of. Keys travel joined by `|` (the hub's statistics, the node's counts),
 * the CSV download's filters are `dimension:code|code`, and codes end up in SDMX keys and URLs:
 * a code with `|`, `:`, `,` or a blank in it would split or merge keys.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

const PERIOD_TYPES: readonly PeriodType[] = ['year', 'quarter', 'month'];

function fail(field: string, message: string): never {
  throw new StandardDocumentError(field, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLabels(v: unknown): boolean {
  return isObject(v) && LANGUAGES.every((lang) => isLabel(v[lang]));
}

/** A label readers can see: a string with something besides white space. */
function isLabel(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

function isPositiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

const METHODS: readonly ProtectionMethod[] = ['suppression', 'differential_privacy'];
const UNITS: readonly DatasetUnit[] = ['incident', 'service', 'client', 'consultation'];
const ATTRIBUTES: readonly string[] = RECORD_ATTRIBUTES;

/** As many steps up a codelist hierarchy as a node's StandardIndex.generalize takes. */
const MAX_GENERALIZATION = 8;

/**
 * The codelists from `from` up to `to` through `parentCodelist` (both included), or undefined when
 * `to` is not reached: a node generalizes a record's code this way (district -> region).
 */
function pathUp(parents: ReadonlyMap<string, string | undefined>, from: string, to: string): string[] | undefined {
  const path = [from];
  while (path[path.length - 1] !== to) {
    const up = parents.get(path[path.length - 1]);
    if (up === undefined || path.length >= MAX_GENERALIZATION) return undefined;
    path.push(up);
  }
  return path;
}

/**
 * Checks the structure a published standard must have before the hub or a node relies on it:
 * everything the hub reads to validate submissions and to serve the standard, and the nodes to
 * prepare releases, so that a version, which can never be changed once published, cannot break
 * them. Throws StandardDocumentError.
 */
export function checkStandardDocument(doc: unknown): Standard {
  if (!isObject(doc)) fail('document', 'must be an object');
  // no leading zero: 2026.02 and 2026.2 would be two versions that compare equal
  if (typeof doc.version !== 'string' || !/^\d{4}\.(0|[1-9]\d{0,2})$/.test(doc.version)) fail('version', 'must look like 2026.2');
  if (!Array.isArray(doc.codelists) || doc.codelists.length === 0 || doc.codelists.length > 200) fail('codelists', 'must be a non-empty list');
  if (!Array.isArray(doc.datasets) || doc.datasets.length > 200) fail('datasets', 'must be a list');
  if (!isObject(doc.attributes)) fail('attributes', 'must be an object');
  const lists = new Set<string>();
  const parents = new Map<string, string | undefined>();
  const parentCodes = new Map<string, Map<string, unknown>>();
  for (const [i, l] of (doc.codelists as unknown[]).entries()) {
    if (!isObject(l) || typeof l.id !== 'string' || !Array.isArray(l.codes) || l.codes.length === 0) fail(`codelists.${i}`, 'needs id and codes');
    if (lists.has(l.id)) fail(`codelists.${i}.id`, `repeats codelist ${l.id}`);
    if (!isLabels(l.name)) fail(`codelists.${i}.name`, 'needs labels tg, ru and en');
    const codes = new Set<string>();
    for (const [j, c] of (l.codes as unknown[]).entries()) {
      if (!isObject(c) || typeof c.code !== 'string' || c.code === '' || !isObject(c.labels)) fail(`codelists.${i}.codes.${j}`, 'needs code and labels');
      if (c.code === TOTAL_CODE) fail(`codelists.${i}.codes.${j}.code`, `${TOTAL_CODE} is reserved for totals`);
      if (!CODE.test(c.code)) fail(`codelists.${i}.codes.${j}.code`, 'must be 1-80 letters, digits, _ . or -, starting with a letter or digit');
      if (codes.has(c.code)) fail(`codelists.${i}.codes.${j}.code`, `repeats code ${c.code}`);
      codes.add(c.code);
      for (const lang of LANGUAGES) if (!isLabel(c.labels[lang])) fail(`codelists.${i}.codes.${j}.labels.${lang}`, 'is missing or empty');
    }
    if (l.parentCodelist !== undefined && typeof l.parentCodelist !== 'string') fail(`codelists.${i}.parentCodelist`, 'must be a codelist id');
    lists.add(l.id);
    parents.set(l.id, l.parentCodelist);
    parentCodes.set(l.id, new Map((l.codes as Record<string, unknown>[]).map((c) => [c.code as string, c.parent])));
  }
  for (const [id, parent] of parents) {
    if (parent !== undefined && (!lists.has(parent) || parent === id)) fail(`codelists.${id}.parentCodelist`, 'must name another codelist of the document');
  }
  const attributes = doc.attributes;
  const datasets = new Set<string>();
  for (const [i, d] of (doc.datasets as unknown[]).entries()) {
    if (!isObject(d) || typeof d.id !== 'string' || d.id === '') fail(`datasets.${i}.id`, 'is missing');
    if (datasets.has(d.id)) fail(`datasets.${i}.id`, `repeats dataset ${d.id}`);
    datasets.add(d.id);
    if (!isLabels(d.title)) fail(`datasets.${i}.title`, 'needs labels tg, ru and en');
    if (!isLabels(d.description)) fail(`datasets.${i}.description`, 'needs labels tg, ru and en');
    if (!isObject(d.measure) || typeof d.measure.id !== 'string' || !isLabels(d.measure.label)) fail(`datasets.${i}.measure`, 'needs id and label');
    if (!UNITS.includes(d.unit as DatasetUnit)) fail(`datasets.${i}.unit`, `must be one of ${UNITS.join(', ')}`);
    if (typeof d.public !== 'boolean') fail(`datasets.${i}.public`, 'must be true or false');
    if (!PERIOD_TYPES.includes(d.periodType as PeriodType)) fail(`datasets.${i}.periodType`, 'must be year, quarter or month');
    if (typeof d.dueDays !== 'number' || !Number.isInteger(d.dueDays) || d.dueDays < 0) fail(`datasets.${i}.dueDays`, 'must be a non-negative integer');
    if (!Array.isArray(d.dimensions) || d.dimensions.length === 0 || d.dimensions.length > 16) fail(`datasets.${i}.dimensions`, 'must be a non-empty list');
    const dims = new Set<string>();
    for (const [j, dim] of (d.dimensions as unknown[]).entries()) {
      if (!isObject(dim) || typeof dim.id !== 'string' || typeof dim.codelist !== 'string' || !lists.has(dim.codelist)) {
        fail(`datasets.${i}.dimensions.${j}`, 'must name a codelist of the document');
      }
      if (dims.has(dim.id)) fail(`datasets.${i}.dimensions.${j}.id`, `repeats dimension ${dim.id}`);
      dims.add(dim.id);
      if (!isLabels(dim.label)) fail(`datasets.${i}.dimensions.${j}.label`, 'needs labels tg, ru and en');
      checkAttribute(dim, `datasets.${i}.dimensions.${j}`, attributes, parents, parentCodes);
    }
    const p = d.protection;
    if (!isObject(p) || !isPositiveInt(p.k) || !isPositiveInt(p.minContributors)) {
      fail(`datasets.${i}.protection`, 'needs k >= 1 and minContributors >= 1 (integers)');
    }
    if (!METHODS.includes(p.method as ProtectionMethod)) fail(`datasets.${i}.protection.method`, `must be one of ${METHODS.join(', ')}`);
    if (typeof p.structuralZeros !== 'boolean') fail(`datasets.${i}.protection.structuralZeros`, 'must be true or false');
    for (const f of ['protectionRange', 'zeroProtectionRange'] as const) {
      if (p[f] !== undefined && (typeof p[f] !== 'number' || !Number.isFinite(p[f]) || p[f] < 0)) fail(`datasets.${i}.protection.${f}`, 'must be a non-negative number');
    }
    // a dataset may ask more of a hidden cell's interval than k, never less
    if (p.protectionRange !== undefined && (p.protectionRange as number) < (p.k as number)) fail(`datasets.${i}.protection.protectionRange`, 'must be at least k');
    if (p.method === 'differential_privacy') {
      const dp = p.differentialPrivacy;
      const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
      if (!isObject(dp) || !positive(dp.epsilonPerRelease) || !positive(dp.annualEpsilon) || !isPositiveInt(dp.maxContributionsPerClient)) {
        fail(`datasets.${i}.protection.differentialPrivacy`, 'needs positive epsilonPerRelease and annualEpsilon and an integer maxContributionsPerClient');
      }
    }
  }
  return doc as unknown as Standard;
}

/**
 * A dimension reads a record attribute the nodes keep, whose codes (the codelist `attributes` maps it to)
 * are the dimension's or generalize to them: otherwise every node fails to prepare the dataset, or
 * counts its records nowhere (a code without a parent in the dimension's codelist).
 */
function checkAttribute(
  dim: Record<string, unknown>,
  at: string,
  attributes: Record<string, unknown>,
  parents: ReadonlyMap<string, string | undefined>,
  parentCodes: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
): void {
  if (typeof dim.attribute !== 'string' || !ATTRIBUTES.includes(dim.attribute)) fail(`${at}.attribute`, `must be one of ${RECORD_ATTRIBUTES.join(', ')}`);
  const source = attributes[dim.attribute];
  if (typeof source !== 'string' || !parents.has(source)) fail(`attributes.${dim.attribute}`, `must name a codelist of the document (dimension ${String(dim.id)} reads it)`);
  const path = pathUp(parents, source, dim.codelist as string);
  if (!path) fail(`${at}.codelist`, `must be ${source}, the codelist of attribute ${dim.attribute}, or one it generalizes to`);
  for (let s = 0; s + 1 < path.length; s++) {
    const up = new Set(parentCodes.get(path[s + 1])?.keys());
    const orphan = [...(parentCodes.get(path[s]) ?? new Map<string, unknown>())].find(([, parent]) => typeof parent !== 'string' || !up.has(parent));
    if (orphan) fail(`codelists.${path[s]}`, `code ${orphan[0]} needs a parent in ${path[s + 1]} (dimension ${String(dim.id)} generalizes ${dim.attribute} to ${dim.codelist as string})`);
  }
}

/** Codelists the hub itself reads (applications, members, the libraries): every version must keep them. */
export const HUB_CODELISTS = ['centre_type', 'region', 'district', 'library_theme'] as const;

/**
 * What a new version would take away from the current one, which members and the hub still use:
 * a codelist, a code (a node's records and its earlier releases carry it; an applicant's centre type),
 * a dataset, or a dataset's shape (unit, period type, dimensions with their codelists and the record
 * attributes they read: a revision of an earlier period must have the shape of the release it replaces)
 * or protection method; a code moved under another parent, or a codelist's hierarchy changed; and any
 * protection it would weaken. Empty when nothing is taken away. Adding codes, codelists and datasets,
 * new labels, and a stricter protection are all fine.
 */
export function incompatibilities(current: Standard, next: Standard): { field: string; messages: string[] }[] {
  const out: { field: string; messages: string[] }[] = [];
  const nextLists = new Map(next.codelists.map((l) => [l.id, new Set(l.codes.map((c) => c.code))]));
  const nextById = new Map(next.codelists.map((l) => [l.id, l]));
  for (const id of HUB_CODELISTS) {
    if (!nextLists.has(id)) out.push({ field: `codelists.${id}`, messages: [`the hub reads codelist ${id}: every version must have it`] });
  }
  for (const list of current.codelists) {
    const codes = nextLists.get(list.id);
    if (!codes) {
      if (!(HUB_CODELISTS as readonly string[]).includes(list.id)) out.push({ field: `codelists.${list.id}`, messages: [`codelist ${list.id} of ${current.version} is missing`] });
      continue;
    }
    const gone = list.codes.map((c) => c.code).filter((c) => !codes.has(c));
    if (gone.length > 0) out.push({ field: `codelists.${list.id}`, messages: [`codes of ${current.version} are missing: ${gone.slice(0, 20).join(', ')}${gone.length > 20 ? ', ...' : ''}`] });
    // A code under another parent (a district moved to another region) makes the parent's figures of
    // earlier periods and later ones two different sums under one key: the hub would add members' cells
    // of either version together, and a node's revision of an earlier period would not match its release.
    const nextList = nextById.get(list.id);
    if (nextList && (nextList.parentCodelist ?? null) !== (list.parentCodelist ?? null)) {
      out.push({ field: `codelists.${list.id}.parentCodelist`, messages: [`codelist ${list.id} generalizes to ${list.parentCodelist ?? 'nothing'} in ${current.version}: a new hierarchy needs a new codelist`] });
    }
    const nextParent = new Map(nextList?.codes.map((c) => [c.code, c.parent ?? null]));
    const moved = list.codes.filter((c) => nextParent.has(c.code) && nextParent.get(c.code) !== (c.parent ?? null)).map((c) => c.code);
    if (moved.length > 0) {
      out.push({ field: `codelists.${list.id}`, messages: [`codes of ${current.version} would move to another parent: ${moved.slice(0, 20).join(', ')}${moved.length > 20 ? ', ...' : ''} (a new grouping needs new codes)`] });
    }
  }
  const nextSets = new Map(next.datasets.map((d) => [d.id, d]));
  // a dimension that counts another attribute (caller_sex for sex), or the same one drawn from another codelist, counts something else
  const shape = (std: Standard, x: DatasetDecl): string =>
    JSON.stringify([x.unit, x.periodType, x.dimensions.map((dim) => [dim.id, dim.codelist, dim.attribute, std.attributes[dim.attribute]])]);
  for (const d of current.datasets) {
    const n = nextSets.get(d.id);
    if (!n) {
      out.push({ field: `datasets.${d.id}`, messages: [`dataset ${d.id} of ${current.version} is missing`] });
      continue;
    }
    if (shape(next, n) !== shape(current, d)) out.push({ field: `datasets.${d.id}`, messages: [`the unit, period type or dimensions (their codelists and attributes) of ${d.id} differ from ${current.version}`] });
    // exact and noised figures of one dataset would be summed and compared as one series (and a member's
    // earlier exact releases differenced against noised ones): a new method is a new dataset
    else if (n.protection.method !== d.protection.method) out.push({ field: `datasets.${d.id}`, messages: [`the protection method of ${d.id} differs from ${current.version}: a new method needs a new dataset`] });
    else out.push(...weakenedProtection(d.id, d.protection, n.protection, current.version));
  }
  return out;
}

/**
 * Settings of a dataset's protection the next version would weaken. Members release every period under
 * the current version's settings and the hub combines them: a lower threshold or range, zeros published,
 * or a larger privacy loss would publish what earlier releases hid, next to them.
 */
function weakenedProtection(id: string, current: ProtectionPolicy, next: ProtectionPolicy, version: string): { field: string; messages: string[] }[] {
  const out: { field: string; messages: string[] }[] = [];
  const at = `datasets.${id}.protection`;
  const floors: [string, number, number][] = [
    ['k', current.k, next.k],
    ['minContributors', current.minContributors, next.minContributors],
    ['protectionRange', protectionRangeOf(current), protectionRangeOf(next)],
  ];
  for (const [setting, was, is] of floors) {
    if (is < was) out.push({ field: `${at}.${setting}`, messages: [`${setting} of ${id} may not go below ${was}, its value in ${version}`] });
  }
  if (!current.structuralZeros && next.structuralZeros) {
    out.push({ field: `${at}.structuralZeros`, messages: [`the zeros of ${id} are protected in ${version}: they cannot become structural (published)`] });
  }
  const was = current.differentialPrivacy;
  const is = next.differentialPrivacy;
  if (was && is) {
    for (const setting of ['epsilonPerRelease', 'annualEpsilon', 'maxContributionsPerClient'] as const) {
      if (is[setting] > was[setting]) out.push({ field: `${at}.differentialPrivacy.${setting}`, messages: [`${setting} of ${id} may not go above ${was[setting]}, its value in ${version}`] });
    }
  }
  return out;
}
