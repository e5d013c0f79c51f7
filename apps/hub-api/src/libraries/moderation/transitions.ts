import type { VersionStatus } from '../library-codes';

export type ModerationAction = 'submit' | 'request_changes' | 'publish' | 'reject' | 'withdraw';

/** Who performs an action: the document's owner, or the Association reviewing it. */
export function actorOf(action: ModerationAction): 'owner' | 'moderator' {
  return action === 'submit' ? 'owner' : 'moderator';
}

/** The moderation state machine: the status a version moves to, or undefined when the step is not allowed from `from`. */
export function nextStatus(from: VersionStatus, action: ModerationAction): VersionStatus | undefined {
  switch (action) {
    case 'submit':
      return from === 'draft' || from === 'changes_requested' ? 'submitted' : undefined;
    case 'request_changes':
      return from === 'submitted' ? 'changes_requested' : undefined;
    case 'publish':
      return from === 'submitted' ? 'published' : undefined;
    case 'reject':
      return from === 'submitted' ? 'rejected' : undefined;
    case 'withdraw':
      return from === 'published' ? 'withdrawn' : undefined;
  }
}

/** An edit happens in place on a draft or a version sent back; a closed version gets a new version; one under review is locked. */
export function editMode(latest: VersionStatus): 'in_place' | 'new_version' | 'locked' {
  switch (latest) {
    case 'draft':
    case 'changes_requested':
      return 'in_place';
    case 'published':
    case 'rejected':
    case 'withdrawn':
    case 'superseded':
      return 'new_version';
    case 'submitted':
      return 'locked';
  }
}
