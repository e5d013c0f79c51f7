import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [AccountsService, AccountsResolver, TokenService],
  exports: [AccountsService, TokenService],
})
export class AccountsModule {}
