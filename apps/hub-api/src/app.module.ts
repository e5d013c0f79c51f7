import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { HubAuthGuard } from './common/auth/auth.guard';
import { JwtStrategy } from './common/auth/jwt.strategy';
import { assignRequestId, formatGraphQLError, introspectionForSignedIn, queryLimitsRule, REQUEST_LOG_SERIALIZERS } from '@paivand/nest-common';
import { JWT_ISSUER } from './common/auth/principal';
import { HubConfigModule } from './config/config.module';
import { HubConfig } from './config/hub-config';
import { hubDataSourceOptions } from './database/data-source';
import { HealthController } from './health/health.controller';
import { MembersModule } from './members/members.module';
import { StatisticsModule } from './statistics/statistics.module';
import { StandardsModule } from './standards/standards.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { LibrariesModule } from './libraries/libraries.module';

/** Feature modules of the hub. */
const FEATURES: Type[] = [AuditModule, AccountsModule, StandardsModule, MembersModule, SubmissionsModule, StatisticsModule, LibrariesModule];

@Module({})
export class HubAppModule {
  /** `logDestination`: where the logs go (standard output by default; the operator commands send them to standard error). */
  static forRoot(config: HubConfig, databaseUrl: string, logDestination?: DestinationStream): DynamicModule {
    const logOptions = {
      level: config.LOG_LEVEL,
      genReqId: assignRequestId,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], remove: true },
      serializers: REQUEST_LOG_SERIALIZERS,
    };
    return {
      module: HubAppModule,
      imports: [
        HubConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: logDestination ? [logOptions, logDestination] : logOptions }),
        // forRootAsync: forRoot records the data source's name in a registry of the whole process and warns when a
        // second app in it (the demo's hub and nodes, the tests) registers the same default name, though each app's
        // data source lives in its own container and nothing is overridden.
        TypeOrmModule.forRootAsync({ useFactory: () => hubDataSourceOptions(databaseUrl) }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: config.GRAPHQL_SCHEMA_FILE ?? true,
          sortSchema: true,
          playground: false,
          introspection: true,
          plugins: [introspectionForSignedIn({ secret: config.JWT_SECRET, issuer: JWT_ISSUER })],
          validationRules: [queryLimitsRule(10, 300)],
          includeStacktraceInErrorResponses: false,
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
          formatError: formatGraphQLError,
        }),
        PassportModule,
        ...FEATURES,
      ],
      controllers: [HealthController],
      providers: [JwtStrategy, { provide: APP_GUARD, useClass: HubAuthGuard }],
    };
  }
}
