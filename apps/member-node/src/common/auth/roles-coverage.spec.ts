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
import { StandardResolver } from '../../standard-sync/standard.resolver';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { operationFiles, undeclaredOperations } from '../../../../../test/harness/roles-coverage';
import { join } from 'node:path';

/** Deny by default, checked: every query, mutation and route states who may call it. */
describe('every operation of the member node declares its roles', () => {
  it('every query, mutation and route of every resolver and controller (found by file name, new ones too)', async () => {
    const { classes, undeclared } = await undeclaredOperations(operationFiles(join(__dirname, '../..')), ROLES_KEY, PUBLIC_KEY);
    expect(classes).toEqual(expect.arrayContaining([AccessLogResolver, ConsultationsResolver, ImportsResolver, RegisterResolver, ReleasesResolver, StaffResolver, StandardResolver, ExportsController, HealthController, ImportsController].map((c) => c.name)));
    expect(undeclared).toEqual([]);
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
