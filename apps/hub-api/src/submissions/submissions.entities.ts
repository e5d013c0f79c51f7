import { SubmissionCellEntity } from './submission-cell.entity';
import { SubmissionEntity } from './submission.entity';

export const SUBMISSIONS_ENTITIES = [SubmissionEntity, SubmissionCellEntity];
