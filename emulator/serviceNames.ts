/**
 * The emulated services by name, in the order the health document and `engine serve`'s ready
 * line list them. Known before any service's code is loaded: the health endpoint answers from
 * this list while the services load (`services.ts` must list exactly these).
 */
export const SERVICE_NAMES = ['route53', 'fis', 'lambda', 'apigateway', 'dynamodb', 'dynamodbstreams'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];
