import { ParseIdPipe, sourceAddress } from '@paivand/nest-common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { AllowTemporaryPassword, Public, Roles } from '../common/auth/roles.decorator';
import { toAccountModel } from './accounts.mapper';
import { AccountsService } from './accounts.service';
import { AccountsFilterInput, ChangePasswordInput, ResetPasswordInput } from './dto/account-admin.inputs';
import { CreateAccountInput } from './dto/create-account.input';
import { LoginInput } from './dto/login.input';
import { AccountModel, SessionModel } from './models/session.model';

@Resolver()
export class AccountsResolver {
  constructor(private readonly service: AccountsService) {}

  @Public()
  @Mutation(() => SessionModel, { description: 'Sign in with email and password; returns a short-lived token.' })
  login(@Args('input') input: LoginInput, @Context('req') req: Request): Promise<SessionModel> {
    return this.service.login(input, sourceAddress(req.ip));
  }

  @AllowTemporaryPassword()
  @Roles('association_admin', 'member', 'researcher', 'ombudsman')
  @Query(() => AccountModel)
  async me(@CurrentPrincipal() p: Principal): Promise<AccountModel> {
    return toAccountModel(await this.service.me(p));
  }

  @Roles('association_admin')
  @Query(() => [AccountModel], { description: 'User accounts (at most 500; Association only).' })
  async accounts(@Args('filter', { nullable: true }) filter?: AccountsFilterInput): Promise<AccountModel[]> {
    return (await this.service.list(filter?.role)).map(toAccountModel);
  }

  @Roles('association_admin')
  @Mutation(() => AccountModel, { description: 'Deactivate an account: it cannot sign in, and its tokens stop working.' })
  async deactivateAccount(@CurrentPrincipal() p: Principal, @Args('accountId', { type: () => ID }, ParseIdPipe) accountId: string): Promise<AccountModel> {
    return toAccountModel(await this.service.setActive(p, accountId, false));
  }

  @Roles('association_admin')
  @Mutation(() => AccountModel)
  async reactivateAccount(@CurrentPrincipal() p: Principal, @Args('accountId', { type: () => ID }, ParseIdPipe) accountId: string): Promise<AccountModel> {
    return toAccountModel(await this.service.setActive(p, accountId, true));
  }

  @Roles('association_admin')
  @Mutation(() => AccountModel, { description: "Set a new password for someone who lost theirs; their sessions end (Association only)." })
  async resetAccountPassword(@CurrentPrincipal() p: Principal, @Args('input') input: ResetPasswordInput): Promise<AccountModel> {
    return toAccountModel(await this.service.resetPassword(p, input.accountId, input.password));
  }

  @AllowTemporaryPassword()
  @Roles('association_admin', 'member', 'researcher', 'ombudsman')
  @Mutation(() => SessionModel, { description: 'Change your own password; your other sessions end and this returns a new one.' })
  changePassword(@CurrentPrincipal() p: Principal, @Args('input') input: ChangePasswordInput, @Context('req') req: Request): Promise<SessionModel> {
    return this.service.changePassword(p, input.currentPassword, input.newPassword, sourceAddress(req.ip));
  }

  @Roles('association_admin')
  @Mutation(() => AccountModel, { description: 'Create a user account (Association only).' })
  async createAccount(@CurrentPrincipal() p: Principal, @Args('input') input: CreateAccountInput): Promise<AccountModel> {
    return toAccountModel(await this.service.create(p, input));
  }
}
