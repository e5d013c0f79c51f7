import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { ConsultationsService } from './consultations.service';
import { RecordConsultationInput } from './dto/consultation.inputs';
import { ConsultationModel } from './models/consultation.models';

/** Hotline work is case work: caseworkers and managers; the centre admin manages accounts, not cases. */
@Resolver()
export class ConsultationsResolver {
  constructor(private readonly consultations: ConsultationsService) {}

  @Roles('caseworker', 'manager')
  @Mutation(() => ConsultationModel, { description: 'Record a hotline consultation; notes are encrypted at rest. A consultation code already recorded is refused (CONFLICT).' })
  recordConsultation(@CurrentPrincipal() p: Principal, @Args('input') input: RecordConsultationInput): Promise<ConsultationModel> {
    return this.consultations.recordConsultation(p, input);
  }
}
