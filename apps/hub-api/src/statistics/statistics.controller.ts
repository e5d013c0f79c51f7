import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { HubError } from '../common/errors/hub.error';
import { toCsv } from './csv';
import { CompletenessInput, StatisticsQueryInput } from './dto/statistics.input';
import { StatisticsService } from './statistics.service';

function validated<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  const obj = plainToInstance(cls, plain);
  const errors = validateSync(obj, { whitelist: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const fields = errors.map((e) => ({ field: e.property, messages: Object.values(e.constraints ?? {}) }));
    throw new HubError('BAD_USER_INPUT', `Invalid input: ${fields.map((f) => f.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields });
  }
  return obj;
}

/**
 * Boolean parameters, given: exactly `true` or `false`. Any other value (`yes`, `1`, empty,
 * repeated) goes on as it is, for validation to refuse by name; an absent one keeps its default.
 */
function flags(raw: Record<string, string | string[]>, ...keys: string[]): Record<string, unknown> {
  const parse = (v: string | string[]): unknown => (v === 'true' ? true : v === 'false' ? false : v);
  return Object.fromEntries(keys.filter((k) => raw[k] !== undefined).map((k) => [k, parse(raw[k])]));
}

/** Set on success only (not with @Header, which Nest applies before the handler runs): an error stays JSON, not a file download. */
function csvAttachment(res: Response, fileName: string): void {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
}

/**
 * CSV downloads, with the same audiences as GraphQL (a bearer token picks the audience):
 * GET /api/v1/csv/statistics?datasetId=&from=&to=&groupBy=a,b&filter=dim:code1|code2&byPeriod=true|false&byMember=true|false
 * GET /api/v1/csv/completeness?datasetId=&from=&to=
 */
@Controller('api/v1/csv')
export class StatisticsCsvController {
  constructor(private readonly stats: StatisticsService) {}

  @Public()
  @Get('statistics')
  async statistics(
    @CurrentPrincipal() p: Principal | undefined,
    @Query() raw: Record<string, string | string[]>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const one = (k: string): string | undefined => (Array.isArray(raw[k]) ? raw[k][0] : raw[k]);
    const filters = ([] as string[]).concat(raw.filter ?? []).map((f) => {
      const [dimension, codes = ''] = f.split(':');
      return { dimension, codes: codes.split('|').filter(Boolean) };
    });
    const q = validated(StatisticsQueryInput, {
      datasetId: one('datasetId'),
      from: one('from'),
      to: one('to'),
      groupBy: (one('groupBy') ?? '').split(',').filter(Boolean),
      filters,
      ...flags(raw, 'byPeriod', 'byMember'),
    });
    const table = await this.stats.query(p, q);
    await this.stats.recordExport(p, 'statistics', { datasetId: q.datasetId, from: q.from, to: q.to, groupBy: q.groupBy, audience: table.audience, cells: table.cells.length });
    csvAttachment(res, 'statistics.csv');
    return toCsv(
      ['period', 'member_id', ...table.groupBy, 'value', 'OBS_STATUS', 'CONF_STATUS'],
      table.cells.map((c) => [c.period ?? `${table.from}/${table.to}`, c.memberId, ...c.key, c.value, c.obsStatus, c.confStatus]),
    );
  }

  @Roles('association_admin', 'member')
  @Get('completeness')
  async completeness(@CurrentPrincipal() p: Principal, @Query() raw: Record<string, string>, @Res({ passthrough: true }) res: Response): Promise<string> {
    const q = validated(CompletenessInput, { datasetId: raw.datasetId, from: raw.from, to: raw.to });
    const rows = await this.stats.completeness(p, q);
    await this.stats.recordExport(p, 'completeness', { datasetId: q.datasetId, from: q.from, to: q.to, rows: rows.length });
    csvAttachment(res, 'completeness.csv');
    return toCsv(
      ['member_id', 'member', 'period', 'status', 'first_received_at', 'due_at', 'revision'],
      rows.map((r) => [r.memberId, r.memberName, r.period, r.status, r.firstReceivedAt?.toISOString() ?? null, r.dueAt.toISOString(), r.revision]),
    );
  }
}
