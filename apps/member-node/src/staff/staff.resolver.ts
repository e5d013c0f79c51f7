import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseIdPipe, sourceAddress } from '@paivand/nest-common';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { AllowTemporaryPassword, Public, Roles } from '../common/auth/roles.decorator';
import { ChangeMyPasswordInput, ChangeStaffRoleInput, CreateStaffInput, LoginInput, ReactivateStaffInput, ResetPasswordInput } from './dto/staff.inputs';
import { SessionModel, StaffAccountModel } from './models/staff.model';
import { toStaffAccountModel } from './staff.mapper';
import { StaffService } from './staff.service';

@Resolver()
export class StaffResolver {
  constructor(private readonly staff: StaffService) {}

  @Public()
  @Mutation(() => SessionModel, { description: 'Sign in with username and password (rate-limited per account and per IP).' })
  login(@Args('input') input: LoginInput, @Context('req') req: Request): Promise<SessionModel> {
    return this.staff.login(input, sourceAddress(req.ip));
  }

  @AllowTemporaryPassword()
  @Roles('caseworker', 'manager', 'centre_admin')
  @Mutation(() => SessionModel, {
    description: 'Change your own password (the current one is checked and counted by the sign-in limit). Your other sessions end; use the token returned.',
  })
  changeMyPassword(@CurrentPrincipal() p: Principal, @Args('input') input: ChangeMyPasswordInput, @Context('req') req: Request): Promise<SessionModel> {
    return this.staff.changeMyPassword(p, input, sourceAddress(req.ip));
  }

  @AllowTemporaryPassword()
  @Roles('caseworker', 'manager', 'centre_admin')
  @Mutation(() => Boolean, { description: 'Sign out: ends every session of this account, this one and any on another device (a shared office computer).' })
  signOut(@CurrentPrincipal() p: Principal): Promise<boolean> {
    return this.staff.signOut(p);
  }

  @AllowTemporaryPassword()
  @Roles('caseworker', 'manager', 'centre_admin')
  @Query(() => StaffAccountModel)
  async me(@CurrentPrincipal() p: Principal): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.me(p));
  }

  @Roles('centre_admin')
  @Query(() => [StaffAccountModel], { description: 'Staff accounts of the centre.' })
  async staffAccounts(@CurrentPrincipal() p: Principal): Promise<StaffAccountModel[]> {
    return (await this.staff.list(p)).map(toStaffAccountModel);
  }

  @Roles('centre_admin')
  @Mutation(() => StaffAccountModel)
  async createStaffAccount(@CurrentPrincipal() p: Principal, @Args('input') input: CreateStaffInput): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.create(p, input));
  }

  @Roles('centre_admin')
  @Mutation(() => StaffAccountModel)
  async resetStaffPassword(@CurrentPrincipal() p: Principal, @Args('input') input: ResetPasswordInput): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.resetPassword(p, input));
  }

  @Roles('centre_admin')
  @Mutation(() => StaffAccountModel, { description: 'Deactivate a leaver: their tokens stop working at once.' })
  async deactivateStaffAccount(
    @CurrentPrincipal() p: Principal,
    @Args('accountId', { type: () => ID }, ParseIdPipe) accountId: string,
  ): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.deactivate(p, accountId));
  }

  @Roles('centre_admin')
  @Mutation(() => StaffAccountModel, { description: 'Let a leaver back in, with a new password (tokens from before stay dead).' })
  async reactivateStaffAccount(@CurrentPrincipal() p: Principal, @Args('input') input: ReactivateStaffInput): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.reactivate(p, input));
  }

  @Roles('centre_admin')
  @Mutation(() => StaffAccountModel, { description: "Give a member of staff another role (not one's own); her tokens stop working at once." })
  async changeStaffRole(@CurrentPrincipal() p: Principal, @Args('input') input: ChangeStaffRoleInput): Promise<StaffAccountModel> {
    return toStaffAccountModel(await this.staff.changeRole(p, input));
  }
}
