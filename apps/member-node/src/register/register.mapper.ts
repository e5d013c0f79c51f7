import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';
import { ClientEntity } from './client.entity';
import { IncidentEntity } from './incident.entity';
import { ClientModel, ClientSummaryModel, IncidentFieldsModel, IncidentModel, ReferralModel, ServiceDeliveryModel } from './models/register.models';
import { ReferralEntity } from './referral.entity';
import { ServiceDeliveryEntity } from './service-delivery.entity';

export function toClientSummary(e: ClientEntity): ClientSummaryModel {
  return { id: e.id, clientCode: e.clientCode, sex: e.sex, birthYear: e.birthYear, district: e.district, registeredOn: e.registeredOn };
}

export function toServiceModel(e: ServiceDeliveryEntity, ring: KeyRing): ServiceDeliveryModel {
  return {
    id: e.id,
    serviceCode: e.serviceCode,
    incidentId: e.incidentId,
    date: e.date,
    serviceType: e.serviceType,
    outcome: e.outcome,
    notes: ring.open(e.notesEnc, AAD.serviceNotes, e.id),
  };
}

export function toReferralModel(e: ReferralEntity, ring: KeyRing): ReferralModel {
  return {
    id: e.id,
    referralCode: e.referralCode,
    incidentId: e.incidentId,
    date: e.date,
    direction: e.direction,
    source: e.source,
    destination: e.destination,
    accepted: e.accepted,
    notes: ring.open(e.notesEnc, AAD.referralNotes, e.id),
  };
}

/** What an incident and its line in a list share: codes and dates, nothing identifiable. */
export function toIncidentFields(e: IncidentEntity): IncidentFieldsModel {
  return {
    id: e.id,
    incidentCode: e.incidentCode,
    clientId: e.clientId,
    incidentDate: e.incidentDate,
    reportedDate: e.reportedDate,
    district: e.district,
    violenceType: e.violenceType,
    perpetratorRelationship: e.perpetratorRelationship,
    consent: { services: e.consentServices, reporting: e.consentReporting, givenOn: e.consentGivenOn },
    reportedByOtherMember: e.reportedByOtherMember,
  };
}

export function toIncidentModel(e: IncidentEntity, ring: KeyRing, services: ServiceDeliveryModel[] = [], referrals: ReferralModel[] = []): IncidentModel {
  return {
    ...toIncidentFields(e),
    version: e.version,
    violenceTypes: e.violenceTypes,
    narrative: ring.open(e.narrativeEnc, AAD.incidentNarrative, e.id),
    services,
    referrals,
  };
}

export function toClientModel(e: ClientEntity, ring: KeyRing, incidents: IncidentModel[]): ClientModel {
  return {
    ...toClientSummary(e),
    version: e.version,
    maritalStatus: e.maritalStatus,
    migrationStatus: e.migrationStatus,
    hasDisability: e.hasDisability,
    fullName: ring.open(e.fullNameEnc, AAD.clientFullName, e.id),
    phone: ring.open(e.phoneEnc, AAD.clientPhone, e.id),
    address: ring.open(e.addressEnc, AAD.clientAddress, e.id),
    dateOfBirth: ring.open(e.dateOfBirthEnc, AAD.clientDateOfBirth, e.id),
    notes: ring.open(e.notesEnc, AAD.clientNotes, e.id),
    incidents,
  };
}
