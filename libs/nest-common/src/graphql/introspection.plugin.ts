import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { JwtService } from '@nestjs/jwt';
import { GraphQLError, Kind, visit } from 'graphql';

function asksIntrospection(doc: Parameters<typeof visit>[0]): boolean {
  let found = false;
  visit(doc, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/**
 * Introspection only for signed-in callers: a bearer token of the app (its secret, issuer and,
 * on a node, its audience). The schema is no secret (schema.gql is in the repository), but an
 * anonymous caller has no use for it and a scanner's first question goes unanswered.
 */
export function introspectionForSignedIn(token: { secret: string; issuer: string; audience?: string }): ApolloServerPlugin<{ req?: { headers?: Record<string, unknown> } }> {
  const jwt = new JwtService();
  return {
    requestDidStart(): Promise<GraphQLRequestListener<{ req?: { headers?: Record<string, unknown> } }>> {
      return Promise.resolve({
        didResolveOperation({ document, contextValue }): Promise<void> {
          if (!document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION) || !asksIntrospection(document)) return Promise.resolve();
          const header = contextValue.req?.headers?.authorization;
          const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
          try {
            jwt.verify(bearer, { secret: token.secret, issuer: token.issuer, ...(token.audience ? { audience: token.audience } : {}), algorithms: ['HS256'] });
          } catch {
            throw new GraphQLError('Introspection is for signed-in users', { extensions: { code: 'UNAUTHENTICATED', http: { status: 200 } } });
          }
          return Promise.resolve();
        },
      });
    },
  };
}
