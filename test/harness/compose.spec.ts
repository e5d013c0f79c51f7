import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/**
 * docker-compose.yml cannot be run here (no Docker engine): what can be checked without one is, that it
 * holds together. Every secret a service reads is mounted and declared; the databases are reachable
 * only from their own app; the nodes reach the hub by its service name; every entry point it runs is
 * a file the build emits; the health checks ask the port the app listens on.
 */
interface Service {
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  networks?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
  image?: string;
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  networks?: Record<string, unknown>;
}

const root = join(__dirname, '..', '..');
const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as Compose;
const services = Object.entries(compose.services);
const isDatabase = (s: Service): boolean => s.image?.startsWith('postgres') === true;
/** The database a service's command connects to (`@hub-db:5432`), if any. */
const databaseOf = (s: Service): string | undefined => /@([a-z0-9-]+):5432\//.exec((s.command ?? []).join(' '))?.[1];
/** A service's networks (Compose's `default` when it names none). */
const networksOf = (s: Service): string[] => s.networks ?? ['default'];

describe('docker-compose.yml', () => {
  it('mounts every secret a service reads (FOO_FILE, the password files its command reads), and declares every secret it mounts', () => {
    const used = new Set<string>();
    for (const [name, s] of services) {
      const mounted = new Set(s.secrets ?? []);
      for (const secret of mounted) {
        used.add(secret);
        expect({ name, secret, declared: secret in compose.secrets }).toEqual({ name, secret, declared: true });
      }
      const read = [...Object.values(s.environment ?? {}), ...(s.command ?? [])].join(' ').match(/\/run\/secrets\/[a-z0-9_]+/g) ?? [];
      for (const path of read) expect({ name, path, mounted: mounted.has(path.slice('/run/secrets/'.length)) }).toEqual({ name, path, mounted: true });
    }
    expect(Object.keys(compose.secrets).filter((s) => !used.has(s))).toEqual([]);
  });

  it('lets each database be reached by the apps that use it and by no other', () => {
    for (const [dbName, db] of services.filter(([, s]) => isDatabase(s))) {
      const users = services.filter(([, s]) => databaseOf(s) === dbName).map(([n]) => n);
      expect({ dbName, hasUsers: users.length > 0 }).toEqual({ dbName, hasUsers: true });
      const reach = services
        .filter(([n, s]) => n !== dbName && networksOf(s).some((net) => networksOf(db).includes(net)))
        .map(([n]) => n)
        .sort();
      expect({ dbName, reachedBy: reach }).toEqual({ dbName, reachedBy: [...users].sort() });
    }
  });

  it('puts every node on a network with the hub, which its default HUB_URL names', () => {
    const hub = compose.services.hub;
    for (const [name, s] of services.filter(([, x]) => x.environment?.HUB_URL !== undefined)) {
      expect(s.environment?.HUB_URL).toMatch(/:-http:\/\/hub:3000\}$/);
      expect({ name, shared: networksOf(s).some((n) => networksOf(hub).includes(n)) }).toEqual({ name, shared: true });
    }
  });

  it('runs entry points the build emits, and checks the health of the port each app listens on', () => {
    for (const [name, s] of services.filter(([, x]) => !isDatabase(x))) {
      for (const js of (s.command ?? []).join(' ').match(/dist\/\S+?\.js/g) ?? []) {
        // nest build writes apps/<app>/src/x.ts to dist/apps/<app>/apps/<app>/src/x.js
        const source = js.replace(/^dist\/apps\/[a-z-]+\//, '').replace(/\.js$/, '.ts');
        expect({ name, js, source: existsSync(join(root, source)) }).toEqual({ name, js, source: true });
      }
      for (const dep of Object.keys(s.depends_on ?? {})) expect({ name, dep, exists: dep in compose.services }).toEqual({ name, dep, exists: true });
      const port = s.environment?.PORT;
      if (s.healthcheck && port) expect(s.healthcheck.test.join(' ')).toContain(`localhost:${port}/health`);
    }
  });

  it("builds on a Node the code supports (package.json's engines)", () => {
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const min = Number(/>=\s*(\d+)/.exec(engines)?.[1]);
    const images = readFileSync(join(root, 'Dockerfile'), 'utf8').match(/^FROM node:(\d+)/gm) ?? [];
    expect(images.length).toBeGreaterThan(0);
    for (const from of images) expect(Number(/node:(\d+)/.exec(from)?.[1])).toBeGreaterThanOrEqual(min);
  });
});
