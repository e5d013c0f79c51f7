import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every resolver and controller file under `srcDir` (deny by default is checked on all of them, new ones included). */
export function operationFiles(srcDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(resolver|controller)\.ts$/.test(e.name)) out.push(path);
    }
  };
  walk(srcDir);
  return out.sort();
}

type Class = { name: string; prototype: Record<string, unknown> };

/** What @nestjs/graphql's @ResolveField sets on its method (a field of a type some guarded query returned). */
const RESOLVE_FIELD = 'graphql:resolve_property';

/**
 * The methods of the classes these files export that state neither roles nor public access, on the
 * method or on its class (`Class.method`); and the classes found, for the test to see it looked.
 * Field resolvers are left out: the guard runs on the query or mutation whose result they complete.
 */
export async function undeclaredOperations(files: readonly string[], rolesKey: string, publicKey: string): Promise<{ classes: string[]; undeclared: string[] }> {
  const classes: string[] = [];
  const undeclared: string[] = [];
  for (const file of files) {
    const exported = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value !== 'function' || !/(Resolver|Controller)$/.test((value as Class).name)) continue;
      const cls = value as unknown as Class;
      classes.push(cls.name);
      const declared = (target: object): boolean =>
        Reflect.getMetadata(publicKey, target) === true || ((Reflect.getMetadata(rolesKey, target) as unknown[] | undefined)?.length ?? 0) > 0;
      for (const m of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[m];
        if (m === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(RESOLVE_FIELD, handler) === true) continue;
        if (!declared(handler) && !declared(cls)) undeclared.push(`${cls.name}.${m}`);
      }
    }
  }
  return { classes: classes.sort(), undeclared };
}
