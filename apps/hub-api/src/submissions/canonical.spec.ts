import { canonicalJson, contentOf, SubmissionPayload } from '@paivand/schema';
import { canonicalForms } from './canonical';

describe('canonicalForms', () => {
  it('gives exactly the bytes of canonicalJson for the content and the payload', () => {
    const p: SubmissionPayload = {
      memberId: 'm',
      datasetId: 'services_monthly',
      schemaVersion: '2026.1',
      period: '2026-01',
      revision: 2,
      dimensions: ['service_type', 'service_outcome'],
      protection: { method: 'suppression', k: 5, protectionRange: 5 },
      cells: [
        { key: ['a"b', '_T'], value: 12, obsStatus: 'A', confStatus: 'F' },
        { key: ['é', 'x'], value: null, obsStatus: 'Q', confStatus: 'A' },
      ],
      contentHash: 'h',
      preparedAt: '2026-02-01T00:00:00Z',
    };
    const f = canonicalForms(p);
    expect(f.signed).toBe(canonicalJson(p));
    expect(f.content).toBe(canonicalJson(contentOf(p)));
  });
});
