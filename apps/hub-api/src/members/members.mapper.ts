import { MemberKeyEntity } from './member-key.entity';
import { MemberEntity } from './member.entity';
import { MemberKeyModel, MemberModel } from './models/member.model';

export function toMemberModel(e: MemberEntity): MemberModel {
  return {
    id: e.id,
    name: e.name,
    centreType: e.centreType,
    region: e.region,
    district: e.district,
    contactEmail: e.contactEmail,
    status: e.status,
    appliedAt: e.appliedAt,
    decidedAt: e.decidedAt,
  };
}

export function toMemberKeyModel(e: MemberKeyEntity): MemberKeyModel {
  return { keyId: e.keyId, memberId: e.memberId, publicKey: e.publicKey, active: e.active };
}
