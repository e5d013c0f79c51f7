import { Module } from '@nestjs/common';
import { RegisterProjection } from './register.projection';
import { RegisterResolver } from './register.resolver';
import { RegisterService } from './register.service';

@Module({ providers: [RegisterService, RegisterResolver, RegisterProjection], exports: [RegisterService, RegisterProjection] })
export class RegisterModule {}
