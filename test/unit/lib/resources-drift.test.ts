import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { queues, tables } from '../../../functions/resources.js';
import { IntakeStack } from '../../../lib/intake-stack.js';
import { createTableInput, queueAttributes } from '../../../local/provision.js';

/**
 * The local runtime and the stack build the same resources: the tables and queues the runtime
 * creates (local/provision.ts) must equal the ones in the synthesized CloudFormation template.
 */

const template = Template.fromStack(
  new IntakeStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Drift'),
).toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const resourcesOfType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);

const sortBy = <T>(items: T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

describe('Local runtime and CDK stack', () => {
  it('create the same tables: keys, attribute types, indexes and TTL', () => {
    const normalize = (table: Record<string, unknown>) => ({
      KeySchema: table.KeySchema,
      AttributeDefinitions: sortBy(
        table.AttributeDefinitions as { AttributeName: string }[],
        (a) => a.AttributeName,
      ),
      GlobalSecondaryIndexes: sortBy(
        ((table.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[]).map((index) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
        })),
        (index) => index.IndexName as string,
      ),
      BillingMode: table.BillingMode,
    });
    const synthesized = resourcesOfType('AWS::DynamoDB::Table').map((t) => normalize(t.Properties));
    const local = Object.values(tables).map((def) =>
      normalize(createTableInput(def) as unknown as Record<string, unknown>),
    );

    expect(sortBy(synthesized, (t) => JSON.stringify(t))).toEqual(sortBy(local, (t) => JSON.stringify(t)));
    const ttl = resourcesOfType('AWS::DynamoDB::Table').map(
      (t) => (t.Properties.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName,
    );
    expect(ttl.filter(Boolean).sort()).toEqual(
      Object.values(tables)
        .map((def) => ('ttlAttribute' in def ? def.ttlAttribute : undefined))
        .filter(Boolean)
        .sort(),
    );
  });

  it('create the same queues: visibility timeout and redrive after maxReceiveCount', () => {
    const work = resourcesOfType('AWS::SQS::Queue').filter((q) => q.Properties.RedrivePolicy !== undefined);
    const synthesized = work.map((q) => ({
      VisibilityTimeout: String(q.Properties.VisibilityTimeout),
      maxReceiveCount: Number((q.Properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount),
    }));
    const local = Object.values(queues).map((def) => {
      const attributes = queueAttributes(def, 'arn:aws:sqs:us-east-1:000000000000:dlq');
      return {
        VisibilityTimeout: attributes.VisibilityTimeout,
        maxReceiveCount: Number(JSON.parse(attributes.RedrivePolicy as string).maxReceiveCount),
      };
    });

    expect(sortBy(synthesized, JSON.stringify)).toEqual(sortBy(local, JSON.stringify));
    expect(resourcesOfType('AWS::SQS::Queue')).toHaveLength(2 * Object.keys(queues).length);
  });
});
