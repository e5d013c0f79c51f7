import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import pino, { type DestinationStream } from 'pino';
import { LoggerModule } from 'nestjs-pino';
import { AccessLogModule } from './access-log/access-log.module';
import { NodeAuthGuard } from './common/auth/auth.guard';
import { JWT_ISSUER, JwtStrategy } from './common/auth/jwt.strategy';
import { StaffStatusCache } from './common/auth/staff-status.cache';
import { assignRequestId, formatGraphQLError, introspectionForSignedIn, queryLimitsRule, REQUEST_LOG_SERIALIZERS } from '@paivand/nest-common';
import { NodeConfigModule } from './config/config.module';
import { NodeConfig } from './config/node-config';
import { CryptoModule } from './crypto/crypto.module';
import { nodeDataSourceOptions } from './database/data-source';
import { ExportsModule } from './exports/exports.module';
import { HealthController } from './health/health.controller';
import { ImportsModule } from './imports/imports.module';
import { RegisterModule } from './register/register.module';
import { ReleasesModule } from './releases/releases.module';
import { StaffModule } from './staff/staff.module';

/** Feature modules of the member node. */
const FEATURES: Type[] = [CryptoModule, AccessLogModule, StaffModule, RegisterModule, ImportsModule, ExportsModule, ReleasesModule];

export interface NodeAppOptions {
  /** Where pino writes (tests capture it to hunt for identifiable values); default stdout. */
  logDestination?: DestinationStream;
  /** Connection attempts after the first fails, 3 s apart (default 9: a server waits for its database; the CLI does not). */
  databaseRetries?: number;
  /** No Nest console lines before the app's own logger takes over (the CLI, whose stdout is its output). */
  quietBoot?: boolean;
}

@Module({})
export class NodeAppModule {
  static forRoot(config: NodeConfig, databaseUrl: string, options: NodeAppOptions = {}): DynamicModule {
    return {
      module: NodeAppModule,
      imports: [
        NodeConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            // One pino instance for request logs and application logs alike (tests pass a capturing stream).
            logger: pino(
              {
                level: config.LOG_LEVEL,
                base: { app: 'member-node', centre: config.CENTRE_ID },
                redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], remove: true },
              },
              options.logDestination ?? pino.destination(1),
            ),
            genReqId: assignRequestId,
            // pino-http's own serializers, not the logger's: it replaces the logger's `req` and `res` serializers
            // with its own, which log the whole URL (a GraphQL GET carries its variables, case data, there),
            // the query, the headers and the client's address.
            serializers: REQUEST_LOG_SERIALIZERS,
          },
        }),
        // forRootAsync: see the hub's AppModule (forRoot warns of a "duplicate" default data source when several apps share a process).
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...nodeDataSourceOptions(databaseUrl), retryAttempts: options.databaseRetries ?? 9 }),
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: config.GRAPHQL_SCHEMA_FILE ?? true,
          sortSchema: true,
          playground: false,
          introspection: true,
          plugins: [introspectionForSignedIn({ secret: config.JWT_SECRET, issuer: JWT_ISSUER, audience: config.CENTRE_ID })],
          validationRules: [queryLimitsRule(10, 300)],
          includeStacktraceInErrorResponses: false,
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
          formatError: formatGraphQLError,
        }),
        PassportModule,
        ...FEATURES,
      ],
      controllers: [HealthController],
      providers: [JwtStrategy, StaffStatusCache, { provide: APP_GUARD, useClass: NodeAuthGuard }],
    };
  }
}
