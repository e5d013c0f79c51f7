import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { toAccountModel } from './accounts.mapper';
import { AccountsService } from './accounts.service';
import { CreateAccountInput } from './dto/create-account.input';
import { LoginInput } from './dto/login.input';
import { AccountModel, SessionModel } from './models/session.model';

@Resolver()
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Mutation(() => SessionModel, { description: 'Sign in with email and password; returns a short-lived token.' })
  login(@Args('input') input: LoginInput): Promise<SessionModel> {
    return this.accounts.login(input);
  }

  @Roles('association_admin', 'member', 'researcher', 'ombudsman')
  @Query(() => AccountModel)
  async me(@CurrentPrincipal() p: Principal): Promise<AccountModel> {
    return toAccountModel(await this.accounts.me(p));
  }

  @Roles('association_admin')
  @Mutation(() => AccountModel, { description: 'Create a user account (Association only).' })
  async createAccount(@CurrentPrincipal() p: Principal, @Args('input') input: CreateAccountInput): Promise<AccountModel> {
    return toAccountModel(await this.accounts.create(p, input));
  }
}
