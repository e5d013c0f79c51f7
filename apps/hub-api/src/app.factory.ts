import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import { migrateHub } from './database/data-source';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { HubAppModule } from './app.module';
import { RestExceptionFilter, apiValidationPipe, bodyParserErrors, requestIdMiddleware } from '@paivand/nest-common';
import { HubConfig } from './config/hub-config';

/** Builds the hub application exactly as production runs it (main.ts, tests and the demo share this). */
export async function createHubApp(config: HubConfig, databaseUrl: string, options: { logDestination?: DestinationStream } = {}): Promise<NestExpressApplication> {
  // MIGRATIONS_RUN: before the app, not by TypeORM's `migrationsRun` inside it, where a failing migration's
  // error (Postgres's message quotes values) was logged whole by Nest's and TypeORM's own loggers
  if (config.MIGRATIONS_RUN) await migrateHub(databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(HubAppModule.forRoot(config, databaseUrl, options.logDestination), {
    bufferLogs: true,
    bodyParser: false,
    // A module that fails to start (the database) is an error for main's handler, not process.abort().
    abortOnError: false,
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
  app.useBodyParser('json', { limit: config.MAX_BODY_BYTES });
  app.use(bodyParserErrors);
  const origins = (config.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length > 0 ? origins : false, methods: ['GET', 'POST'], maxAge: 600 });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new RestExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.init();
  return app;
}
