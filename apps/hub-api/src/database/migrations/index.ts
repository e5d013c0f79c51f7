import { AccountsAndAudit1763900000000 } from './1763900000000-accounts-and-audit';
import { MembersStandardsSubmissions1763910000000 } from './1763910000000-members-standards-submissions';
import { Libraries1763950000000 } from '../../libraries/migrations/1763950000000-libraries';
import { AccountSignIn1763970000000 } from './1763970000000-account-sign-in';
import { MemberAdmittedAt1763980000000 } from './1763980000000-member-admitted-at';
import { SignInAttempts1763990000000 } from './1763990000000-sign-in-attempts';
import { ApplicationAttempts1764000000000 } from './1764000000000-application-attempts';
import { ServedHiddenCells1764100000000 } from './1764100000000-served-hidden-cells';
import { MemberNameNotRefused1764300000000 } from './1764300000000-member-name-not-refused';
import { ServedTables1764400000000 } from './1764400000000-served-tables';
import { SubmissionPreparedAtSigned1764500000000 } from './1764500000000-submission-prepared-at-signed';
import { OneCurrentStandard1764600000000 } from './1764600000000-one-current-standard';
import { SubmissionChecks1764700000000 } from './1764700000000-submission-checks';
import { MustChangePassword1764800000000 } from './1764800000000-must-change-password';
import { AccountMemberFk1764900000000 } from './1764900000000-account-member-fk';

/** Every migration of the hub, in order. Add new ones at the end; never edit a landed one. */
export const HUB_MIGRATIONS = [AccountsAndAudit1763900000000, MembersStandardsSubmissions1763910000000, Libraries1763950000000, AccountSignIn1763970000000, MemberAdmittedAt1763980000000, SignInAttempts1763990000000, ApplicationAttempts1764000000000, ServedHiddenCells1764100000000, MemberNameNotRefused1764300000000, ServedTables1764400000000, SubmissionPreparedAtSigned1764500000000, OneCurrentStandard1764600000000, SubmissionChecks1764700000000, MustChangePassword1764800000000, AccountMemberFk1764900000000];
