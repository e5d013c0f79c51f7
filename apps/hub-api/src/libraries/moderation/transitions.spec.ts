import { VERSION_STATUSES } from '../library-codes';
import { editMode, nextStatus } from './transitions';

describe('library moderation state machine', () => {
  it('follows draft -> submitted -> changes_requested -> submitted -> published -> withdrawn', () => {
    expect(nextStatus('draft', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'request_changes')).toBe('changes_requested');
    expect(nextStatus('changes_requested', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'publish')).toBe('published');
    expect(nextStatus('published', 'withdraw')).toBe('withdrawn');
    expect(nextStatus('submitted', 'reject')).toBe('rejected');
  });

  it('refuses every other step', () => {
    const allowed = new Set(['draft:submit', 'changes_requested:submit', 'submitted:request_changes', 'submitted:publish', 'submitted:reject', 'published:withdraw']);
    for (const s of VERSION_STATUSES) {
      for (const a of ['submit', 'request_changes', 'publish', 'reject', 'withdraw'] as const) {
        expect(nextStatus(s, a) !== undefined).toBe(allowed.has(`${s}:${a}`));
      }
    }
  });

  it('edits drafts in place, versions closed documents, locks those under review', () => {
    expect(editMode('draft')).toBe('in_place');
    expect(editMode('changes_requested')).toBe('in_place');
    expect(editMode('published')).toBe('new_version');
    expect(editMode('submitted')).toBe('locked');
  });
});
