import { CaseRegister1764100000000 } from './1764100000000-case-register';
import { ImportStagingBulk1764150000000 } from './1764150000000-import-staging-bulk';
import { Releases1764200000000 } from './1764200000000-releases';
import { Consultations1764300000000 } from './1764300000000-consultations';
import { ClientCodesUpper1764400000000 } from './1764400000000-client-codes-upper';
import { ImportConsentDate1764500000000 } from './1764500000000-import-consent-date';
import { ImportHeartbeat1764600000000 } from './1764600000000-import-heartbeat';
import { CallerCodesUpper1764800000000 } from './1764800000000-caller-codes-upper';
import { ReleaseWithheld1764900000000 } from './1764900000000-release-withheld';
import { ImportRowIds1765000000000 } from './1765000000000-import-row-ids';
import { EditVersions1765100000000 } from './1765100000000-edit-versions';
import { LogAndServiceIndexes1765200000000 } from './1765200000000-log-and-service-indexes';
import { CodeCaseChecks1765300000000 } from './1765300000000-code-case-checks';
import { MustChangePassword1765400000000 } from './1765400000000-must-change-password';
import { ReleasePayloadCheck1765500000000 } from './1765500000000-release-payload-check';
import { ImportHeaderNames1765600000000 } from './1765600000000-import-header-names';
import { IncidentAgeBand1765700000000 } from './1765700000000-incident-age-band';

/** Every migration of the member node, in order. Add new ones at the end; never edit a landed one. */
export const NODE_MIGRATIONS = [CaseRegister1764100000000, ImportStagingBulk1764150000000, Releases1764200000000, Consultations1764300000000, ClientCodesUpper1764400000000, ImportConsentDate1764500000000, ImportHeartbeat1764600000000, CallerCodesUpper1764800000000, ReleaseWithheld1764900000000, ImportRowIds1765000000000, EditVersions1765100000000, LogAndServiceIndexes1765200000000, CodeCaseChecks1765300000000, MustChangePassword1765400000000, ReleasePayloadCheck1765500000000, ImportHeaderNames1765600000000, IncidentAgeBand1765700000000];
