import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { api, applicationMetrics, queues, tables, workers } from '../../../functions/resources.js';
import { IntakeStack } from '../../../lib/intake-stack.js';

/** The dashboard and the alarms of lib/observability.ts, in the synthesized template. */

interface AlarmProperties {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  TreatMissingData: string;
}

const stack = new IntakeStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Intake');
const template = Template.fromStack(stack);
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const keysOf = <T extends object>(record: T) => Object.keys(record) as (keyof T)[];
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
  (alarm) => alarm.Properties as AlarmProperties,
);
const alarmsOn = (namespace: string, metricName: string, dimension: unknown) =>
  alarms.filter(
    (a) =>
      a.Namespace === namespace &&
      a.MetricName === metricName &&
      JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: dimension }]),
  );

/** The dashboard body with its Fn::Join resolved to a string, tokens left as JSON. */
function dashboardBody(): string {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('Observability in the stack', () => {
  const functions = [
    { id: api.id, fn: stack.apiFunction, worker: false },
    ...keysOf(workers).map((key) => ({ id: workers[key].id, fn: stack.workerFunctions[key], worker: true })),
  ];

  it('alarms on the first failed invocation of every worker within five minutes, not of the API', () => {
    for (const { id, fn, worker } of functions) {
      const found = alarmsOn('AWS/Lambda', 'Errors', { Ref: logicalId(fn) });
      expect({ id, alarms: found.length }).toEqual({ id, alarms: worker ? 1 : 0 });
      if (!worker) continue;
      expect(found[0]).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on any throttled invocation of every function', () => {
    for (const { id, fn } of functions) {
      const found = alarmsOn('AWS/Lambda', 'Throttles', { Ref: logicalId(fn) });
      expect({ id, alarms: found.length }).toEqual({ id, alarms: 1 });
      expect(found[0]).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on read or write throttle events of every table', () => {
    for (const key of keysOf(tables)) {
      const found = alarms.filter((a) =>
        JSON.stringify(a.Metrics ?? []).includes(
          JSON.stringify({ Name: 'TableName', Value: { Ref: logicalId(stack.tables[key]) } }),
        ),
      );
      expect({ table: key, alarms: found.length }).toEqual({ table: key, alarms: 1 });
      const names = (found[0]?.Metrics ?? []).flatMap((m) =>
        m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
      );
      expect(names.sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      const id = tables[key].id;
      expect(found[0]?.Metrics?.find((m) => m.Expression)?.Expression).toBe(
        `FILL(reads${id}, 0) + FILL(writes${id}, 0)`,
      );
    }
  });

  it('has exactly these alarms: dead letters, worker errors, function and table throttles', () => {
    const expected =
      keysOf(queues).length + keysOf(workers).length + functions.length + keysOf(tables).length;
    expect(alarms).toHaveLength(expected);
  });

  it('shows imports by status, rows per second, chunks retried, dead-letter depths, throttles, errors and durations', () => {
    const body = dashboardBody();
    const { namespace } = applicationMetrics;
    // Every status as it is published: a search over the status dimension, not a fixed list.
    expect(body).toContain(
      `SEARCH('{${namespace},service,status} MetricName=\\"${applicationMetrics.importsFinished}\\"', 'Sum', 300)`,
    );
    for (const name of [
      applicationMetrics.rowsProcessed,
      applicationMetrics.rowsFailed,
      applicationMetrics.chunksRetried,
      applicationMetrics.analysisRowsPerSecond,
    ]) {
      expect(body).toContain(`["${namespace}","${name}","service","${applicationMetrics.service}"`);
    }
    expect(body).toContain('processed / PERIOD(processed)');
    for (const key of keysOf(queues)) {
      const dlqName = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.deadLetterQueues[key]), 'QueueName'] });
      expect(body).toContain(`["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","${dlqName}"`);
    }
    for (const { fn } of functions) {
      const name = JSON.stringify({ Ref: logicalId(fn) });
      for (const metric of ['Throttles', 'Errors', 'Duration']) {
        expect({
          metric,
          found: body.includes(`["AWS/Lambda","${metric}","FunctionName","${name}"`),
        }).toEqual({
          metric,
          found: true,
        });
      }
    }
  });

  it('runs every function with the service name its metrics carry as their service dimension', () => {
    const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    for (const { id, fn } of functions) {
      const variables = (
        resources[logicalId(fn)]?.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect({ id, service: variables.POWERTOOLS_SERVICE_NAME }).toEqual({
        id,
        service: applicationMetrics.service,
      });
    }
  });
});
