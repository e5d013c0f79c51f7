import { Module } from '@nestjs/common';
import { MembersResolver } from './members.resolver';
import { MembersService } from './members.service';
import { NodeAuthController } from './node-auth.controller';

@Module({ providers: [MembersService, MembersResolver], controllers: [NodeAuthController], exports: [MembersService] })
export class MembersModule {}
