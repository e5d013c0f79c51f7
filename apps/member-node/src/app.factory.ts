import { NestFactory } from '@nestjs/core';
import { migrateNode } from './database/data-source';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { NodeAppModule, NodeAppOptions } from './app.module';
import { RestExceptionFilter, apiValidationPipe, bodyParserErrors, requestIdMiddleware } from '@paivand/nest-common';
import { NodeConfig } from './config/node-config';

/** The route of an import's file (PUT /imports/:id/file). */
const IMPORT_UPLOAD = /^\/imports\/[^/?]+\/file(?:\?|$)/;
/** application/json and application/<anything>+json, as the JSON parser's default type reads them. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** Builds the member node exactly as production runs it (main.ts, tests, the drift check and the demo share this). */
export async function createNodeApp(config: NodeConfig, databaseUrl: string, options: NodeAppOptions = {}): Promise<NestExpressApplication> {
  // MIGRATIONS_RUN: before the app, not by TypeORM's `migrationsRun` inside it, where a failing migration's
  // error (Postgres's message quotes values) was logged whole by Nest's and TypeORM's own loggers
  if (config.MIGRATIONS_RUN) await migrateNode(databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(NodeAppModule.forRoot(config, databaseUrl, options), {
    bufferLogs: true,
    bodyParser: false,
    // A module that fails to start (the database) is an error for the caller, not process.abort().
    abortOnError: false,
    // The CLI's stdout is its output: Nest's own boot lines (and its report of a database that does not answer) stay off it.
    ...(options.quietBoot ? { logger: false as const } : {}),
  });
  app.useLogger(app.get(Logger));
  // Lines logged through Nest's Logger (the services' own) were buffered until listen(): an app that never
  // listens (the operator commands, the tests) lost them, so no test could see what they say. From here on
  // they go to pino.
  app.flushLogs();
  app.use(requestIdMiddleware);
  // the address the sign-in limits count: the peer's, unless the operator names the proxies in front
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  // JSON only, and never on the import upload route: a file is streamed by its controller, never
  // buffered, and one sent with a JSON media type is refused there (UNSUPPORTED_MEDIA_TYPE).
  app.useBodyParser('json', { limit: config.MAX_BODY_BYTES, type: (req) => !IMPORT_UPLOAD.test(req.url ?? '') && JSON_MEDIA_TYPE.test(String(req.headers['content-type'] ?? '')) });
  app.use(bodyParserErrors);
  const origins = (config.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length > 0 ? origins : false, methods: ['GET', 'POST', 'PUT'], maxAge: 600 });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new RestExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  try {
    await app.init();
  } catch (err) {
    // a start-up check that failed (the key ring): the database pool is closed, not left open
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
