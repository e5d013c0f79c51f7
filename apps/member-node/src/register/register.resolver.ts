import { ParseIdPipe } from '@paivand/nest-common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { ClientSearchInput, CreateClientInput, IncidentSearchInput, RecordIncidentInput, RecordReferralInput, RecordServiceInput, UpdateClientInput, UpdateConsentInput, UpdateIncidentInput, UpdateReferralInput, UpdateServiceInput } from './dto/register.inputs';
import { ClientModel, ClientPageModel, DeletedIncidentModel, IncidentModel, IncidentPageModel, ReferralModel, ServiceDeliveryModel } from './models/register.models';
import { RegisterService } from './register.service';

/** Case work is for caseworkers and managers; the centre admin manages accounts, not cases. */
const CASE_ROLES = ['caseworker', 'manager'] as const;

@Resolver()
export class RegisterResolver {
  constructor(private readonly register: RegisterService) {}

  @Roles(...CASE_ROLES)
  @Query(() => ClientPageModel, { description: 'Clients of the centre by pseudonymous code prefix (no identifiable fields).' })
  clients(@CurrentPrincipal() p: Principal, @Args('search', { nullable: true }) search?: ClientSearchInput): Promise<ClientPageModel> {
    return this.register.searchClients(p, search ?? new ClientSearchInput());
  }

  @Roles(...CASE_ROLES)
  @Query(() => IncidentPageModel, { description: 'Incidents of the centre, newest reported first, by reported date, type and client code (no narrative, nothing identifiable).' })
  incidents(@CurrentPrincipal() p: Principal, @Args('search', { nullable: true }) search?: IncidentSearchInput): Promise<IncidentPageModel> {
    return this.register.searchIncidents(p, search ?? new IncidentSearchInput());
  }

  @Roles(...CASE_ROLES)
  @Query(() => ClientModel, { description: 'One case, decrypted; written to the access log.' })
  client(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ClientModel> {
    return this.register.readClient(p, { id });
  }

  @Roles(...CASE_ROLES)
  @Query(() => ClientModel, { description: 'One case by its exact pseudonymous code; written to the access log.' })
  clientByCode(@CurrentPrincipal() p: Principal, @Args('clientCode') clientCode: string): Promise<ClientModel> {
    return this.register.readClient(p, { clientCode });
  }

  @Roles(...CASE_ROLES)
  @Query(() => IncidentModel, { description: 'One incident with its services and referrals; written to the access log.' })
  incident(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<IncidentModel> {
    return this.register.readIncident(p, id);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ClientModel)
  createClient(@CurrentPrincipal() p: Principal, @Args('input') input: CreateClientInput): Promise<ClientModel> {
    return this.register.createClient(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => IncidentModel, { description: 'Record an incident; the node picks its violence type by the GBVIMS classification order.' })
  recordIncident(@CurrentPrincipal() p: Principal, @Args('input') input: RecordIncidentInput): Promise<IncidentModel> {
    return this.register.recordIncident(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ClientModel, { description: "Change a client's record: only the fields given; null clears an identifiable field. Written to the access log (field names only)." })
  updateClient(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateClientInput): Promise<ClientModel> {
    return this.register.updateClient(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => IncidentModel, {
    description: "Correct an incident: only the fields given; null clears the narrative. Released periods get a revision at the next release check. Written to the access log (field names only).",
  })
  updateIncident(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateIncidentInput): Promise<IncidentModel> {
    return this.register.updateIncident(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => IncidentModel, { description: 'Consent given or withdrawn; released periods get a revision at the next release check.' })
  updateConsent(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateConsentInput): Promise<IncidentModel> {
    return this.register.updateConsent(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ServiceDeliveryModel)
  recordService(@CurrentPrincipal() p: Principal, @Args('input') input: RecordServiceInput): Promise<ServiceDeliveryModel> {
    return this.register.recordService(p, input);
  }

  @Roles('manager')
  @Mutation(() => ID, { description: 'Remove a client registered in error, once she has no incident (move them first); managers only. Returns her id; written to the access log.' })
  deleteClient(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<string> {
    return this.register.deleteClient(p, id);
  }

  @Roles('manager')
  @Mutation(() => DeletedIncidentModel, {
    description: 'Remove an incident entered in error, with its services and referrals (managers only). Released periods get a revision at the next release check. Written to the access log (ids and counts).',
  })
  deleteIncident(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<DeletedIncidentModel> {
    return this.register.deleteIncident(p, id);
  }

  @Roles('manager')
  @Mutation(() => ID, {
    description: 'Remove a service entered in error (managers only). Returns its id. Released periods get a revision at the next release check. Written to the access log (ids only).',
  })
  deleteService(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<string> {
    return this.register.deleteService(p, id);
  }

  @Roles('manager')
  @Mutation(() => ID, { description: 'Remove a referral entered in error (managers only). Returns its id. Written to the access log (ids only).' })
  deleteReferral(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<string> {
    return this.register.deleteReferral(p, id);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ServiceDeliveryModel, { description: 'Correct a service delivered: only the fields given; null clears the notes. Written to the access log (field names only).' })
  updateService(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateServiceInput): Promise<ServiceDeliveryModel> {
    return this.register.updateService(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ReferralModel, { description: "Correct a referral or record its outcome: only the fields given; null clears the notes. Written to the access log (field names only)." })
  updateReferral(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateReferralInput): Promise<ReferralModel> {
    return this.register.updateReferral(p, input);
  }

  @Roles(...CASE_ROLES)
  @Mutation(() => ReferralModel)
  recordReferral(@CurrentPrincipal() p: Principal, @Args('input') input: RecordReferralInput): Promise<ReferralModel> {
    return this.register.recordReferral(p, input);
  }
}
