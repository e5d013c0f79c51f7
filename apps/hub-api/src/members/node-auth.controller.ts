import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public } from '../common/auth/roles.decorator';
import { NodeTokenInput } from './dto/member.inputs';
import { MembersService } from './members.service';

/** REST for member nodes: POST /api/v1/auth/token { clientId, clientSecret }. */
@Controller('api/v1/auth')
export class NodeAuthController {
  constructor(private readonly members: MembersService) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  async token(@Body() body: NodeTokenInput): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresAt: string; memberId: string }> {
    const t = await this.members.nodeToken(body.clientId, body.clientSecret);
    return { accessToken: t.accessToken, tokenType: 'Bearer', expiresAt: t.expiresAt.toISOString(), memberId: t.memberId };
  }
}
