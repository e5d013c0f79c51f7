import { Module } from '@nestjs/common';
import { ConsultationsResolver } from './consultations.resolver';
import { ConsultationsService } from './consultations.service';
import { RegisterResolver } from './register.resolver';
import { RegisterService } from './register.service';

@Module({ providers: [RegisterService, RegisterResolver, ConsultationsService, ConsultationsResolver], exports: [RegisterService, ConsultationsService] })
export class RegisterModule {}
