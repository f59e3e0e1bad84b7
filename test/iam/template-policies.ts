/**
 * The IAM side of the synthesized template, in one comparable form: every ARN is written as if each
 * resource's physical name were its logical id, in one made-up account and region
 * (`arn:aws:dynamodb:us-east-1:123456789012:table/JobsDF1CC2D4`). Recorded calls (recorded-calls.ts)
 * are mapped to the same form, so a policy's resource patterns can be matched against them.
 */

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface TemplateJson {
  Resources: Record<string, Resource>;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The canonical ARN of a resource of the template, by its type. */
function arnOf(template: TemplateJson, logicalId: string): string {
  const type = template.Resources[logicalId]?.Type;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${logicalId}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${logicalId}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${logicalId}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${logicalId}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${logicalId}`;
    default:
      throw new Error(`test/iam: no ARN form for ${logicalId} (${type}); add one in template-policies.ts`);
  }
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub to canonical strings. */
export function resolve(template: TemplateJson, value: unknown): string {
  if (typeof value === 'string') return value;
  const expression = value as Record<string, unknown>;
  if (typeof expression.Ref === 'string') {
    const pseudo = PSEUDO[expression.Ref];
    if (pseudo !== undefined) return pseudo;
    const type = template.Resources[expression.Ref]?.Type;
    // A queue's Ref is its URL; everything Intake refers to otherwise is named by its Ref.
    if (type === 'AWS::SQS::Queue') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${expression.Ref}`;
    return expression.Ref;
  }
  const getAtt = expression['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    const [logicalId, attribute] = getAtt as [string, string];
    if (attribute === 'Arn') return arnOf(template, logicalId);
    if (['QueueName', 'Name', 'TableName'].includes(attribute)) return logicalId;
    throw new Error(`test/iam: cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
  }
  const join = expression['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  const sub = expression['Fn::Sub'];
  if (typeof sub === 'string') {
    return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [logicalId, attribute] = name.split('.');
      return resolve(template, attribute ? { 'Fn::GetAtt': [logicalId, attribute] } : { Ref: logicalId });
    });
  }
  throw new Error(`test/iam: cannot resolve ${JSON.stringify(value)}`);
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM wildcards: `*` any run of characters, `?` any one. */
function globToRegExp(pattern: string, flags = ''): RegExp {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, flags);
}

/** Action names are case-insensitive; resource ARNs are not. */
export const actionMatches = (pattern: string, action: string) => globToRegExp(pattern, 'i').test(action);
export const resourceMatches = (pattern: string, arn: string) => globToRegExp(pattern).test(arn);

export const actionsOf = (statement: Statement): string[] => list(statement.Action);
export const resourcesOf = (template: TemplateJson, statement: Statement): string[] =>
  list(statement.Resource as unknown[] | undefined).map((resource) => resolve(template, resource));

/** A function of Intake's own code (a bundled asset), with its role's statements. */
export interface FunctionPolicy {
  /** Construct id: ApiHandler, AnalyzeWorker, ... */
  id: string;
  logicalId: string;
  statements: Statement[];
  managedPolicies: string[];
}

/** The construct id (second segment of the construct path) of a logical resource. */
export const constructIdOf = (template: TemplateJson, logicalId: string): string =>
  String(template.Resources[logicalId]?.Metadata?.['aws:cdk:path'] ?? logicalId).split('/')[1] ?? logicalId;

export function functionPolicies(template: TemplateJson): FunctionPolicy[] {
  const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  return Object.entries(template.Resources)
    .filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && typeof r.Metadata?.['aws:asset:path'] === 'string',
    )
    .map(([logicalId, resource]) => {
      const [roleId] = (resource.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      const role = template.Resources[roleId]?.Properties ?? {};
      const inline = list(role.Policies as { PolicyDocument: { Statement: Statement[] } }[]);
      const attached = policies.filter((policy) =>
        list(policy.Properties?.Roles as unknown[]).some((r) => (r as { Ref?: string }).Ref === roleId),
      );
      return {
        id: constructIdOf(template, logicalId),
        logicalId,
        statements: [
          ...inline,
          ...attached.map((p) => p.Properties as { PolicyDocument: { Statement: Statement[] } }),
        ].flatMap((p) => p.PolicyDocument.Statement),
        managedPolicies: list(role.ManagedPolicyArns as unknown[]).map((arn) => resolve(template, arn)),
      };
    });
}

/** Whether the statements allow `action` on `arn` (an explicit Deny wins). Conditions: see evaluateCondition. */
export function allowed(
  template: TemplateJson,
  statements: Statement[],
  action: string,
  arn: string,
  context: Record<string, string> = {},
): boolean {
  const applies = (s: Statement) =>
    actionsOf(s).some((pattern) => actionMatches(pattern, action)) &&
    resourcesOf(template, s).some((pattern) => resourceMatches(pattern, arn)) &&
    evaluateCondition(template, s.Condition, context);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

/** The condition operators Intake's policies use; any other fails loudly rather than guessing. */
function evaluateCondition(
  template: TemplateJson,
  condition: Statement['Condition'],
  context: Record<string, string>,
): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const value = context[key];
      const patterns = list(expected as unknown[]).map((e) => resolve(template, e));
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          return value !== undefined && patterns.includes(value);
        case 'StringNotEquals':
          return value === undefined || !patterns.includes(value);
        case 'StringLike':
        case 'ArnLike':
          return value !== undefined && patterns.some((p) => resourceMatches(p, value));
        case 'Bool':
          return value !== undefined && patterns.includes(value);
        default:
          throw new Error(`test/iam: condition operator ${operator} is not evaluated; add it`);
      }
    }),
  );
}
