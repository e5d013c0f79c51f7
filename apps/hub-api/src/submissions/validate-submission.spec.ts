import { DatasetDecl, STANDARD, SubmissionPayload } from '@paivand/schema';
import { ConflictList } from './import-summary';
import { checkProtection } from './validate-submission';

const services = STANDARD.datasets.find((d) => d.id === 'services_monthly') as DatasetDecl;
const raised = (protection: Partial<DatasetDecl['protection']>): DatasetDecl => ({ ...services, protection: { ...services.protection, ...protection } });
const payload = (protection: SubmissionPayload['protection']): SubmissionPayload => ({ protection }) as SubmissionPayload;
const messages = (list: ConflictList): string[] => list.toArray().map((c) => `${c.code}: ${c.message}`);

describe('checkProtection: the stricter of the release\'s version and the current one, named', () => {
  it('below both floors, the refusal names the current one, the one that binds', () => {
    const out = new ConflictList();
    checkProtection(payload({ method: 'suppression', k: 4, protectionRange: 4 }), services, out, { dataset: raised({ k: 8, protectionRange: 9 }), version: '2026.7' });
    expect(messages(out)).toEqual(['K_TOO_LOW: k must be at least 8 since standard 2026.7', 'PROTECTION_RANGE_TOO_LOW: protectionRange must be at least 9 since standard 2026.7']);
  });

  it("below the release's own floor only (the current version lowered nothing it could): its own, without a version", () => {
    const out = new ConflictList();
    checkProtection(payload({ method: 'suppression', k: 4, protectionRange: 5 }), services, out, { dataset: services, version: '2026.7' });
    expect(messages(out)).toEqual([`K_TOO_LOW: k must be at least ${services.protection.k}`]);
  });
});
