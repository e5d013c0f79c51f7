import 'reflect-metadata';
import { AccessLogResolver } from '../../access-log/access-log.resolver';
import { ExportsController } from '../../exports/exports.controller';
import { HealthController } from '../../health/health.controller';
import { ImportsController } from '../../imports/imports.controller';
import { ImportsResolver } from '../../imports/imports.resolver';
import { RegisterResolver } from '../../register/register.resolver';
import { StaffResolver } from '../../staff/staff.resolver';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Deny by default, checked: every query, mutation and route states who may call it. */
describe('every operation of the member node declares its roles', () => {
  const classes = [AccessLogResolver, ImportsResolver, RegisterResolver, StaffResolver, ExportsController, HealthController, ImportsController];

  it.each(classes.map((c) => [c.name, c] as const))('%s', (_name, cls) => {
    const methods = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor');
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      const handler = (cls.prototype as unknown as Record<string, object>)[m];
      const roles = Reflect.getMetadata(ROLES_KEY, handler) as string[] | undefined;
      const isPublic = Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined;
      expect(`${cls.name}.${m}: ${isPublic === true || (roles?.length ?? 0) > 0 ? 'declared' : 'MISSING'}`).toBe(`${cls.name}.${m}: declared`);
    }
  });

  it('keeps case data away from the centre admin and exports with managers', () => {
    const roles = (cls: object, m: string): string[] => Reflect.getMetadata(ROLES_KEY, (cls as { prototype: Record<string, object> }).prototype[m]) as string[];
    expect(roles(RegisterResolver, 'clientByCode')).not.toContain('centre_admin');
    expect(roles(ExportsController, 'register')).toEqual(['manager']);
    expect(roles(AccessLogResolver, 'accessLog')).toEqual(['centre_admin']);
  });
});
