import 'reflect-metadata';
import { join } from 'node:path';
import { operationFiles, undeclaredOperations } from '../../../../../test/harness/roles-coverage';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Deny by default, checked: every query, mutation and route of the hub states who may call it (the guard refuses the others, FORBIDDEN). */
describe('every operation of the hub declares its roles', () => {
  it('every resolver and controller (found by file name, new ones too)', async () => {
    const files = operationFiles(join(__dirname, '../..'));
    const { classes, undeclared } = await undeclaredOperations(files, ROLES_KEY, PUBLIC_KEY);
    expect(classes.length).toBeGreaterThanOrEqual(files.length);
    expect(undeclared).toEqual([]);
  });
});
