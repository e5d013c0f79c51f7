import { Module } from '@nestjs/common';
import { ConsultationsResolver } from './consultations.resolver';
import { ConsultationsService } from './consultations.service';
import { RegisterProjection } from './register.projection';
import { RegisterResolver } from './register.resolver';
import { RegisterService } from './register.service';

@Module({ providers: [RegisterService, RegisterResolver, RegisterProjection, ConsultationsService, ConsultationsResolver], exports: [RegisterService, RegisterProjection, ConsultationsService] })
export class RegisterModule {}
