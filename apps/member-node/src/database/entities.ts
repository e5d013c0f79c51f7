import { AccessLogEntity } from '../access-log/access-log.entity';
import { ImportIssueEntity } from '../imports/import-issue.entity';
import { ImportJobEntity } from '../imports/import-job.entity';
import { ImportStagedRowEntity } from '../imports/import-staged-row.entity';
import { ClientEntity } from '../register/client.entity';
import { ConsultationEntity } from '../register/consultation.entity';
import { IncidentEntity } from '../register/incident.entity';
import { ReferralEntity } from '../register/referral.entity';
import { ServiceDeliveryEntity } from '../register/service-delivery.entity';
import { OutboxEntity } from '../outbox/outbox.entity';
import { ReleaseEntity } from '../releases/release.entity';
import { NodeStandardEntity } from '../standard-sync/node-standard.entity';
import { LoginThrottleEntity } from '../staff/login-throttle.entity';
import { StaffAccountEntity } from '../staff/staff-account.entity';

/** Every TypeORM entity of the member node (one list, so the app, the CLI and the drift check agree). */
export const NODE_ENTITIES = [
  StaffAccountEntity,
  LoginThrottleEntity,
  AccessLogEntity,
  ClientEntity,
  IncidentEntity,
  ServiceDeliveryEntity,
  ReferralEntity,
  ConsultationEntity,
  ImportJobEntity,
  ImportIssueEntity,
  ImportStagedRowEntity,
  ReleaseEntity,
  OutboxEntity,
  NodeStandardEntity,
];
