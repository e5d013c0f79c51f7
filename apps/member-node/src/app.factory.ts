import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { NodeAppModule, NodeAppOptions } from './app.module';
import { RestExceptionFilter, apiValidationPipe, bodyParserErrors, requestIdMiddleware } from '@paivand/nest-common';
import { NodeConfig } from './config/node-config';

/** Builds the member node exactly as production runs it (main.ts, tests, the drift check and the demo share this). */
export async function createNodeApp(config: NodeConfig, databaseUrl: string, options: NodeAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(NodeAppModule.forRoot(config, databaseUrl, options), {
    bufferLogs: true,
    bodyParser: false,
    // A module that fails to start (the database) is an error for the caller, not process.abort().
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.use(requestIdMiddleware);
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  // JSON only: import uploads (text/csv, xlsx) are streamed by their controller, never buffered.
  app.useBodyParser('json', { limit: config.MAX_BODY_BYTES });
  app.use(bodyParserErrors);
  const origins = (config.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length > 0 ? origins : false, methods: ['GET', 'POST', 'PUT'], maxAge: 600 });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new RestExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.init();
  return app;
}
