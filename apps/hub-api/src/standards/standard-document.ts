import { PeriodType, Standard } from '@paivand/schema';
import { HubError } from '../common/errors/hub.error';

const PERIOD_TYPES: readonly PeriodType[] = ['year', 'quarter', 'month'];

function fail(field: string, message: string): never {
  throw new HubError('BAD_USER_INPUT', `Invalid standard document: ${field} ${message}`, {
    reason: 'STANDARD_INVALID',
    fields: [{ field, messages: [message] }],
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the structure a published standard must have before the hub relies on it. */
export function checkStandardDocument(doc: unknown): Standard {
  if (!isObject(doc)) fail('document', 'must be an object');
  if (typeof doc.version !== 'string' || !/^\d{4}\.\d{1,3}$/.test(doc.version)) fail('version', 'must look like 2026.2');
  if (!Array.isArray(doc.codelists) || doc.codelists.length === 0 || doc.codelists.length > 200) fail('codelists', 'must be a non-empty list');
  if (!Array.isArray(doc.datasets) || doc.datasets.length > 200) fail('datasets', 'must be a list');
  if (!isObject(doc.attributes)) fail('attributes', 'must be an object');
  const lists = new Set<string>();
  for (const [i, l] of (doc.codelists as unknown[]).entries()) {
    if (!isObject(l) || typeof l.id !== 'string' || !Array.isArray(l.codes)) fail(`codelists.${i}`, 'needs id and codes');
    for (const [j, c] of (l.codes as unknown[]).entries()) {
      if (!isObject(c) || typeof c.code !== 'string' || !isObject(c.labels)) fail(`codelists.${i}.codes.${j}`, 'needs code and labels');
      for (const lang of ['tg', 'ru', 'en']) if (typeof c.labels[lang] !== 'string') fail(`codelists.${i}.codes.${j}.labels.${lang}`, 'is missing');
    }
    lists.add(l.id);
  }
  for (const [i, d] of (doc.datasets as unknown[]).entries()) {
    if (!isObject(d) || typeof d.id !== 'string') fail(`datasets.${i}.id`, 'is missing');
    if (!PERIOD_TYPES.includes(d.periodType as PeriodType)) fail(`datasets.${i}.periodType`, 'must be year, quarter or month');
    if (typeof d.dueDays !== 'number' || d.dueDays < 0) fail(`datasets.${i}.dueDays`, 'must be a non-negative number');
    if (!Array.isArray(d.dimensions) || d.dimensions.length === 0) fail(`datasets.${i}.dimensions`, 'must be a non-empty list');
    for (const [j, dim] of (d.dimensions as unknown[]).entries()) {
      if (!isObject(dim) || typeof dim.id !== 'string' || typeof dim.codelist !== 'string' || !lists.has(dim.codelist)) {
        fail(`datasets.${i}.dimensions.${j}`, 'must name a codelist of the document');
      }
    }
    const p = d.protection;
    if (!isObject(p) || typeof p.k !== 'number' || p.k < 1 || typeof p.minContributors !== 'number' || p.minContributors < 1) {
      fail(`datasets.${i}.protection`, 'needs k >= 1 and minContributors >= 1');
    }
  }
  return doc as unknown as Standard;
}
