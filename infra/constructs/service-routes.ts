import { Validations } from 'aws-cdk-lib';
import {
  AuthorizationType,
  LambdaIntegration,
  type IAuthorizer,
  type IRequestValidator,
  type IResource,
  type IRestApi,
  type Method,
  type MethodOptions,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RouteAuth, RouteSpec } from '../../schemas/api.js';

export interface ServiceRoutesProps {
  readonly api: IRestApi;
  /** The e-service function; its router dispatches every route given here. */
  readonly handler: IFunction;
  readonly routes: readonly RouteSpec[];
  /** Validates parameters and body on every method (cdk-nag APIG2). */
  readonly requestValidator: IRequestValidator;
  /** Guards routes with auth `required`. @default - none; then no route may require auth */
  readonly authorizer?: IAuthorizer;
  /** Adds `ANY /{proxy+}` and `ANY /`, so that unknown routes reach this function (it answers 404). @default false */
  readonly catchAll?: boolean;
}

const REASONS: Record<Exclude<RouteAuth, 'required'>, string> = {
  public: 'Public by design: this route serves anonymous residents and answers without personal data.',
  optional:
    "Authentication is optional on this route: a bearer token, when sent, is verified inside the function (issuer, audience, JWKS), since API Gateway's Cognito authorizer cannot be optional; without one the caller is anonymous (e.g. holds an access code).",
};
const METHOD_NOT_ALLOWED_REASON =
  "Public by design: ANY on a route's resource only lets the function's router answer 405 Method Not Allowed; it serves no data.";
const CATCH_ALL_REASON = 'Public by design: the catch-all only lets the platform function answer 404 problem+json for unknown routes.';

/**
 * Creates the API Gateway resources and methods of one e-service from its route declarations, all with a
 * proxy integration to the service's function. `required` routes get the Cognito authorizer; `public` and
 * `optional` routes none (optional tokens are verified in the function). Each route resource also gets a
 * public `ANY`, so that an unsupported method reaches the function's router, which answers 405.
 */
export function addServiceRoutes(props: ServiceRoutesProps): Method[] {
  const { api, routes } = props;
  // allowTestInvoke false: one Lambda permission per method instead of two keeps the resource policy small.
  const integration = new LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });
  const methods: Method[] = [];
  const routeResources = new Map<string, IResource>();

  for (const route of routes) {
    const resource = api.root.resourceForPath(route.path);
    routeResources.set(route.path, resource);
    const method = resource.addMethod(route.method, integration, {
      ...methodOptions(props, route.auth, route.path),
      operationName: route.operationId,
    });
    if (route.auth !== 'required') acknowledgeNoAuthorizer(method, REASONS[route.auth]);
    methods.push(method);
  }

  // API Gateway answers a method a resource lacks with 403 Missing Authentication Token; ANY sends it to
  // the function instead, whose router answers 405 with an Allow header (or a CORS preflight, which
  // carries no token, so ANY is public). Specific methods win over ANY.
  for (const [routePath, resource] of routeResources) {
    const existing = resource.node.tryFindChild('ANY');
    if (existing) throw new Error(`Path ${routePath} is already served by another function; a path belongs to one e-service`);
    const method = resource.addMethod('ANY', integration, methodOptions(props, 'public', routePath));
    acknowledgeNoAuthorizer(method, METHOD_NOT_ALLOWED_REASON);
    methods.push(method);
  }

  if (props.catchAll) {
    const proxy = api.root.addResource('{proxy+}');
    for (const resource of [proxy, api.root]) {
      const method = resource.addMethod('ANY', integration, methodOptions(props, 'public', resource.path));
      acknowledgeNoAuthorizer(method, CATCH_ALL_REASON);
      methods.push(method);
    }
  }
  return methods;
}

function methodOptions(props: ServiceRoutesProps, auth: RouteAuth, routePath: string): MethodOptions {
  const common: MethodOptions = {
    requestValidator: props.requestValidator,
    requestParameters: Object.fromEntries(pathParameters(routePath).map((name) => [`method.request.path.${name}`, true])),
  };
  if (auth !== 'required') return { ...common, authorizationType: AuthorizationType.NONE };
  if (!props.authorizer) throw new Error(`Route ${routePath} requires auth, but no authorizer was given`);
  return { ...common, authorizationType: AuthorizationType.COGNITO, authorizer: props.authorizer };
}

/** `{caseId}` and `{proxy+}` in a resource path, as API Gateway names them (`caseId`, `proxy`). */
function pathParameters(routePath: string): string[] {
  return [...routePath.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string);
}

/** Acknowledges cdk-nag's "no authorization" findings on exactly this method, with the reason. */
function acknowledgeNoAuthorizer(method: Method, reason: string): void {
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
}
