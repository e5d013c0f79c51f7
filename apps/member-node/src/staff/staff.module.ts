import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { LoginThrottleService } from './login-throttle.service';
import { StaffResolver } from './staff.resolver';
import { StaffService } from './staff.service';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [StaffService, StaffResolver, TokenService, LoginThrottleService],
  exports: [StaffService, TokenService],
})
export class StaffModule {}
