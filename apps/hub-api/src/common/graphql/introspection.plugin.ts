import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { JwtService } from '@nestjs/jwt';
import { GraphQLError, Kind, visit } from 'graphql';
import { JWT_ISSUER } from '../auth/principal';

function asksIntrospection(doc: Parameters<typeof visit>[0]): boolean {
  let found = false;
  visit(doc, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** Introspection only for signed-in callers (a valid hub token). */
export function introspectionForSignedIn(secret: string): ApolloServerPlugin<{ req?: { headers?: Record<string, unknown> } }> {
  const jwt = new JwtService();
  return {
    requestDidStart(): Promise<GraphQLRequestListener<{ req?: { headers?: Record<string, unknown> } }>> {
      return Promise.resolve({
        didResolveOperation({ document, contextValue }): Promise<void> {
          if (!document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION) || !asksIntrospection(document)) return Promise.resolve();
          const header = contextValue.req?.headers?.authorization;
          const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
          try {
            jwt.verify(token, { secret, issuer: JWT_ISSUER, algorithms: ['HS256'] });
          } catch {
            throw new GraphQLError('Introspection is for signed-in users', { extensions: { code: 'UNAUTHENTICATED', http: { status: 200 } } });
          }
          return Promise.resolve();
        },
      });
    },
  };
}
