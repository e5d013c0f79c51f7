import { ParseIdPipe } from '@paivand/nest-common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { ConsultationsService } from './consultations.service';
import { ConsultationSearchInput, RecordConsultationInput, UpdateConsultationInput } from './dto/consultation.inputs';
import { ConsultationModel, ConsultationPageModel } from './models/consultation.models';

/** Hotline work is case work: caseworkers and managers; the centre admin manages accounts, not cases. */
@Resolver()
export class ConsultationsResolver {
  constructor(private readonly service: ConsultationsService) {}

  @Roles('caseworker', 'manager')
  @Mutation(() => ConsultationModel, { description: 'Record a hotline consultation; notes are encrypted at rest. A consultation code already recorded is refused (CONFLICT).' })
  recordConsultation(@CurrentPrincipal() p: Principal, @Args('input') input: RecordConsultationInput): Promise<ConsultationModel> {
    return this.service.recordConsultation(p, input);
  }

  @Roles('caseworker', 'manager')
  @Mutation(() => ConsultationModel, { description: 'Correct a consultation or record a withdrawn consent: only the fields given; null clears an optional code or the notes. Written to the access log (field names only).' })
  updateConsultation(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateConsultationInput): Promise<ConsultationModel> {
    return this.service.updateConsultation(p, input);
  }

  @Roles('manager')
  @Mutation(() => ID, {
    description:
      'Remove a consultation entered in error (managers only). Returns its id. A hotline table not yet approved is prepared again at the next release check; a released one is not revised (differential privacy). Written to the access log (id only).',
  })
  deleteConsultation(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<string> {
    return this.service.deleteConsultation(p, id);
  }

  @Roles('caseworker', 'manager')
  @Query(() => ConsultationPageModel, { description: 'Consultations of the centre, newest first, without their notes.' })
  consultations(@CurrentPrincipal() p: Principal, @Args('search', { nullable: true }) search?: ConsultationSearchInput): Promise<ConsultationPageModel> {
    return this.service.searchConsultations(p, search ?? new ConsultationSearchInput());
  }

  @Roles('caseworker', 'manager')
  @Query(() => ConsultationModel, { description: 'One consultation with its notes; written to the access log.' })
  consultation(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ConsultationModel> {
    return this.service.readConsultation(p, id);
  }
}
