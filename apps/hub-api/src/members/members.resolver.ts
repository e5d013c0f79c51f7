import { ParseIdPipe, sourceAddress } from '@paivand/nest-common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { AdmitMemberInput, ApplyMemberInput, MembersFilterInput, NodeTokenInput, RegisterKeyInput, RevokeKeyInput } from './dto/member.inputs';
import { toMemberKeyModel, toMemberModel } from './members.mapper';
import { MembersService } from './members.service';
import { AdmissionModel, MemberKeyModel, MemberModel, NodeCredentialsModel, NodeSessionModel } from './models/member.model';

@Resolver()
export class MembersResolver {
  constructor(private readonly service: MembersService) {}

  @Roles('association_admin')
  @Query(() => [MemberModel], { description: 'Members and applicants (at most 500).' })
  async members(@Args('filter', { nullable: true }) filter?: MembersFilterInput): Promise<MemberModel[]> {
    return (await this.service.list(filter?.status)).map(toMemberModel);
  }

  @Roles('association_admin', 'member')
  @Query(() => MemberModel, { description: 'One member; a member may read only its own organisation.' })
  async member(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<MemberModel> {
    return toMemberModel(await this.service.get(p, id));
  }

  @Roles('association_admin', 'member')
  @Query(() => [MemberKeyModel])
  async memberKeys(@CurrentPrincipal() p: Principal, @Args('memberId', { type: () => ID }, ParseIdPipe) memberId: string): Promise<MemberKeyModel[]> {
    return (await this.service.keys(p, memberId)).map(toMemberKeyModel);
  }

  @Public()
  @Mutation(() => MemberModel, { description: 'An organisation applies for membership (open membership).' })
  async applyForMembership(@CurrentPrincipal() p: Principal | undefined, @Args('input') input: ApplyMemberInput, @Context('req') req: Request): Promise<MemberModel> {
    return toMemberModel(await this.service.apply(p ?? null, input, sourceAddress(req.ip)));
  }

  @Roles('association_admin')
  @Mutation(() => AdmissionModel, { description: 'Admit an applicant: issues node credentials (the secret is shown only here) and registers its key.' })
  async admitMember(@CurrentPrincipal() p: Principal, @Args('input') input: AdmitMemberInput): Promise<AdmissionModel> {
    const r = await this.service.admit(p, input.memberId, input.publicKey);
    return { member: toMemberModel(r.member), credentials: r.credentials, key: toMemberKeyModel(r.key) };
  }

  @Roles('association_admin')
  @Mutation(() => MemberModel)
  async refuseMember(@CurrentPrincipal() p: Principal, @Args('memberId', { type: () => ID }, ParseIdPipe) memberId: string): Promise<MemberModel> {
    return toMemberModel(await this.service.refuse(p, memberId));
  }

  @Roles('association_admin')
  @Mutation(() => MemberModel, { description: 'Suspend a member: its submissions are refused until reinstated.' })
  async suspendMember(@CurrentPrincipal() p: Principal, @Args('memberId', { type: () => ID }, ParseIdPipe) memberId: string): Promise<MemberModel> {
    return toMemberModel(await this.service.suspend(p, memberId));
  }

  @Roles('association_admin')
  @Mutation(() => MemberModel)
  async reinstateMember(@CurrentPrincipal() p: Principal, @Args('memberId', { type: () => ID }, ParseIdPipe) memberId: string): Promise<MemberModel> {
    return toMemberModel(await this.service.reinstate(p, memberId));
  }

  @Roles('association_admin', 'member')
  @Mutation(() => NodeCredentialsModel, { description: 'New node credentials (shown once); the old ones stop working.' })
  rotateNodeCredentials(@CurrentPrincipal() p: Principal, @Args('memberId', { type: () => ID }, ParseIdPipe) memberId: string): Promise<NodeCredentialsModel> {
    return this.service.rotateCredentials(p, memberId);
  }

  @Roles('association_admin', 'member')
  @Mutation(() => MemberKeyModel, { description: "Register another Ed25519 public key for a member's node." })
  async registerNodeKey(@CurrentPrincipal() p: Principal, @Args('input') input: RegisterKeyInput): Promise<MemberKeyModel> {
    return toMemberKeyModel(await this.service.registerKey(p, input.memberId, input.publicKey));
  }

  @Roles('association_admin', 'member')
  @Mutation(() => MemberKeyModel, { description: "Revoke a member's signing key (e.g. at the end of a rotation): submissions signed with it are refused from now on." })
  async revokeNodeKey(@CurrentPrincipal() p: Principal, @Args('input') input: RevokeKeyInput): Promise<MemberKeyModel> {
    return toMemberKeyModel(await this.service.revokeKey(p, input.memberId, input.keyId));
  }

  @Public()
  @Mutation(() => NodeSessionModel, { description: 'A member node exchanges its client credentials for a short-lived token.' })
  nodeToken(@Args('input') input: NodeTokenInput): Promise<NodeSessionModel> {
    return this.service.nodeToken(input.clientId, input.clientSecret);
  }
}
