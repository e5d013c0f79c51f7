import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { pageOf } from './page.model';

@ObjectType('Consent')
export class ConsentModel {
  @Field()
  services!: boolean;

  @Field()
  reporting!: boolean;

  @Field(() => String, { nullable: true })
  givenOn!: string | null;
}

@ObjectType('ServiceDelivery')
export class ServiceDeliveryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  serviceCode!: string;

  @Field(() => ID)
  incidentId!: string;

  @Field()
  date!: string;

  @Field()
  serviceType!: string;

  @Field()
  outcome!: string;

  @Field(() => String, { nullable: true })
  notes!: string | null;
}

@ObjectType('Referral')
export class ReferralModel {
  @Field(() => ID)
  id!: string;

  @Field()
  referralCode!: string;

  @Field(() => ID)
  incidentId!: string;

  @Field()
  date!: string;

  @Field()
  direction!: string;

  @Field(() => String, { nullable: true })
  source!: string | null;

  @Field(() => String, { nullable: true })
  destination!: string | null;

  @Field()
  accepted!: boolean;

  @Field(() => String, { nullable: true })
  notes!: string | null;
}

/** What an incident and its line in a list share: codes and dates, nothing identifiable. */
@ObjectType({ isAbstract: true })
export abstract class IncidentFieldsModel {
  @Field(() => ID)
  id!: string;

  @Field()
  incidentCode!: string;

  @Field(() => ID)
  clientId!: string;

  @Field()
  incidentDate!: string;

  @Field()
  reportedDate!: string;

  @Field()
  district!: string;

  @Field({ description: 'The one type the incident counts under (GBVIMS classification order)' })
  violenceType!: string;

  @Field()
  perpetratorRelationship!: string;

  @Field(() => ConsentModel)
  consent!: ConsentModel;

  @Field()
  reportedByOtherMember!: boolean;
}

@ObjectType('Incident')
export class IncidentModel extends IncidentFieldsModel {
  @Field(() => Int, { description: 'Moved on by every correction: send it back as expectedVersion with an edit made from this reading' })
  version!: number;

  @Field(() => [String], { description: 'Every type observed' })
  violenceTypes!: string[];

  @Field(() => String, { nullable: true })
  narrative!: string | null;

  @Field(() => [ServiceDeliveryModel])
  services!: ServiceDeliveryModel[];

  @Field(() => [ReferralModel])
  referrals!: ReferralModel[];
}

/** An incident in a list: no narrative, nothing of the client but her code. */
@ObjectType('IncidentSummary')
export class IncidentSummaryModel extends IncidentFieldsModel {
  @Field()
  clientCode!: string;
}

@ObjectType('IncidentPage')
export class IncidentPageModel extends pageOf(IncidentSummaryModel) {}

/** What `deleteIncident` removed. */
@ObjectType('DeletedIncident')
export class DeletedIncidentModel {
  @Field(() => ID)
  id!: string;

  @Field()
  incidentCode!: string;

  @Field(() => ID)
  clientId!: string;

  @Field(() => Int)
  services!: number;

  @Field(() => Int)
  referrals!: number;
}

/** A client in a list: pseudonymous fields only, nothing identifiable. */
@ObjectType('ClientSummary')
export class ClientSummaryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  clientCode!: string;

  @Field()
  sex!: string;

  @Field(() => Int, { nullable: true })
  birthYear!: number | null;

  @Field()
  district!: string;

  @Field()
  registeredOn!: string;
}

@ObjectType('ClientPage')
export class ClientPageModel extends pageOf(ClientSummaryModel) {}

/** A client's whole case, identifiable fields decrypted; reading it writes the access log. */
@ObjectType('Client')
export class ClientModel extends ClientSummaryModel {
  @Field(() => Int, { description: 'Moved on by every correction: send it back as expectedVersion with an edit made from this reading' })
  version!: number;

  @Field()
  maritalStatus!: string;

  @Field()
  migrationStatus!: string;

  @Field()
  hasDisability!: boolean;

  @Field(() => String, { nullable: true })
  fullName!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  dateOfBirth!: string | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => [IncidentModel])
  incidents!: IncidentModel[];
}
