import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODELIST_IDS } from '../codelists/codelist';
import { DATASETS } from '../datasets/catalog';
import { SCHEMA_VERSION } from '../version';

const root = join(__dirname, '../../../..');
const run = (args: string[] = []) =>
  execFileSync(process.execPath, ['-r', '@swc-node/register', 'libs/schema/src/cli/export.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 60_000,
  });

describe('npm run schema:export', () => {
  it('prints the whole standard as valid JSON on stdout', () => {
    const doc = JSON.parse(run());
    expect(doc.version).toBe(SCHEMA_VERSION);
    expect(doc.codelists.map((l: { id: string }) => l.id)).toEqual([...CODELIST_IDS]);
    for (const list of doc.codelists) {
      expect(list.codes.length).toBeGreaterThan(0);
      for (const c of list.codes) for (const lang of ['tg', 'ru', 'en']) expect(c.labels[lang]).toEqual(expect.any(String));
    }
    const rape = doc.codelists.find((l: { id: string }) => l.id === 'violence_type').codes.find((c: { code: string }) => c.code === 'rape');
    expect(rape).toMatchObject({ labels: { ru: 'Изнасилование' }, familyLawForm: 'sexual' });
    expect(doc.datasets.map((d: { id: string }) => d.id)).toEqual(DATASETS.map((d) => d.id));
    expect(doc.datasets[0].protection.k).toBe(DATASETS[0].protection.k);
    expect(doc.attributes.district).toBe('district');
    expect(Object.keys(doc.jsonSchemas)).toEqual(expect.arrayContaining(['case-record/incident', 'case-record/client', 'signed-submission']));
    expect(doc.violenceClassificationOrder[0]).toBe('rape');
  }, 60_000);

  it('writes to a path given as the first argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paivand-export-'));
    try {
      const file = join(dir, 'standard.json');
      expect(run([file])).toBe('');
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      expect(doc.version).toBe(SCHEMA_VERSION);
      expect(doc.codelists).toHaveLength(CODELIST_IDS.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
