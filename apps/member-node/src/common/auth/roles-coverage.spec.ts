import 'reflect-metadata';
import { AccessLogResolver } from '../../access-log/access-log.resolver';
import { ExportsController } from '../../exports/exports.controller';
import { HealthController } from '../../health/health.controller';
import { ImportsController } from '../../imports/imports.controller';
import { ImportsResolver } from '../../imports/imports.resolver';
import { ConsultationsResolver } from '../../register/consultations.resolver';
import { RegisterResolver } from '../../register/register.resolver';
import { ReleasesResolver } from '../../releases/releases.resolver';
import { StaffResolver } from '../../staff/staff.resolver';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Deny by default, checked: every query, mutation and route states who may call it. */
describe('every operation of the member node declares its roles', () => {
  const classes = [AccessLogResolver, ConsultationsResolver, ImportsResolver, RegisterResolver, ReleasesResolver, StaffResolver, ExportsController, HealthController, ImportsController];

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
    // what leaves the centre is the manager's to decide; staff accounts are the admin's alone
    for (const m of Object.getOwnPropertyNames(ReleasesResolver.prototype).filter((x) => x !== 'constructor')) expect(`${m}: ${roles(ReleasesResolver, m).join(',')}`).toBe(`${m}: manager`);
    for (const m of ['staffAccounts', 'createStaffAccount', 'resetStaffPassword', 'deactivateStaffAccount']) expect(`${m}: ${roles(StaffResolver, m).join(',')}`).toBe(`${m}: centre_admin`);
    // removing what was entered in error is the manager's decision
    const removals = [RegisterResolver, ConsultationsResolver].flatMap((cls) => Object.getOwnPropertyNames(cls.prototype).filter((m) => m.startsWith('delete')).map((m) => [cls, m] as const));
    expect(removals.map(([, m]) => m).sort()).toEqual(['deleteClient', 'deleteConsultation', 'deleteIncident', 'deleteReferral', 'deleteService']);
    for (const [cls, m] of removals) expect(`${m}: ${roles(cls, m).join(',')}`).toBe(`${m}: manager`);
  });
});
