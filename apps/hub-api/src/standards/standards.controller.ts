import { Controller, Get, Param } from '@nestjs/common';
import type { Standard } from '@paivand/schema';
import { Public } from '../common/auth/roles.decorator';
import { StandardsService } from './standards.service';

/** REST for nodes: the standard document as JSON. */
@Controller('api/v1/standard')
export class StandardsController {
  constructor(private readonly standards: StandardsService) {}

  @Public()
  @Get()
  async current(): Promise<Standard> {
    return (await this.standards.find(null)).document;
  }

  @Public()
  @Get(':version')
  async version(@Param('version') version: string): Promise<Standard> {
    return (await this.standards.find(version.slice(0, 20))).document;
  }
}
