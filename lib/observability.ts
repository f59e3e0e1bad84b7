/**
 * What an operator watches: one CloudWatch dashboard (imports by final status, rows per second,
 * dead-letter queue depths, throttles, Lambda errors and durations) and the alarms besides the
 * dead-letter ones (intake-stack.ts): a worker's failed invocations, and throttling of any
 * function or table. The application metrics are the ones functions/adapters/observability.ts
 * publishes, named in functions/resources.ts.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { applicationMetrics } from '../functions/resources.js';

export interface ObservedFunction {
  /** The function's id in functions/resources.ts (ApiHandler, AnalyzeWorker, ...). */
  id: string;
  fn: IFunction;
  /** Workers are alarmed on failed invocations; the API answers its errors as HTTP responses. */
  worker: boolean;
}

export interface IntakeObservabilityProps {
  functions: ObservedFunction[];
  deadLetterQueues: { id: string; queue: IQueue }[];
  tables: { id: string; table: ITable }[];
}

const FIVE_MINUTES = Duration.minutes(5);

const applicationMetric = (metricName: string, statistic: string, label?: string) =>
  new Metric({
    namespace: applicationMetrics.namespace,
    metricName,
    dimensionsMap: { service: applicationMetrics.service },
    statistic,
    period: FIVE_MINUTES,
    label,
  });

export class IntakeObservability extends Construct {
  readonly dashboard: Dashboard;
  /** A worker invocation failed (the whole batch: a record that fails alone is retried, not an error). */
  readonly workerErrorAlarms: Record<string, Alarm> = {};
  readonly functionThrottleAlarms: Record<string, Alarm> = {};
  readonly tableThrottleAlarms: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: IntakeObservabilityProps) {
    super(scope, id);

    for (const { id: fnId, fn, worker } of props.functions) {
      if (worker) {
        this.workerErrorAlarms[fnId] = new Alarm(this, `${fnId}ErrorsAlarm`, {
          alarmDescription: `${fnId} invocations failed: its batch returns to the queue, then to the dead-letter queue`,
          metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      }
      this.functionThrottleAlarms[fnId] = new Alarm(this, `${fnId}ThrottlesAlarm`, {
        alarmDescription: `${fnId} invocations were throttled (the account's or the function's concurrency limit)`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    for (const { id: tableId, table } of props.tables) {
      this.tableThrottleAlarms[tableId] = new Alarm(this, `${tableId}ThrottlesAlarm`, {
        alarmDescription: `Requests to the ${tableId} table were throttled (on-demand capacity could not keep up)`,
        metric: tableThrottles(table, tableId),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    const rowsProcessed = applicationMetric(applicationMetrics.rowsProcessed, 'Sum');
    const rowsFailed = applicationMetric(applicationMetrics.rowsFailed, 'Sum');
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Intake\nImports, rows, queues and functions. Alarms: dead letters, worker errors, throttles.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'Imports finished, by status',
            left: [
              new MathExpression({
                expression: `SEARCH('{${applicationMetrics.namespace},service,status} MetricName="${applicationMetrics.importsFinished}"', 'Sum', 300)`,
                label: '',
                period: FIVE_MINUTES,
              }),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Rows per second',
            left: [
              new MathExpression({
                expression: 'processed / PERIOD(processed)',
                usingMetrics: { processed: rowsProcessed },
                label: 'Rows processed per second',
              }),
              new MathExpression({
                expression: 'failed / PERIOD(failed)',
                usingMetrics: { failed: rowsFailed },
                label: 'Rows failed per second',
              }),
            ],
            right: [
              applicationMetric(
                applicationMetrics.analysisRowsPerSecond,
                'Average',
                'Analysis rows per second',
              ),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Chunks retried',
            left: [applicationMetric(applicationMetrics.chunksRetried, 'Sum')],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Dead-letter queue depth',
            left: props.deadLetterQueues.map(({ id: queueId, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({
                period: FIVE_MINUTES,
                statistic: 'Maximum',
                label: queueId,
              }),
            ),
            width: 8,
          }),
          new GraphWidget({
            title: 'Throttled requests',
            left: [
              ...props.functions.map(({ id: fnId, fn }) =>
                fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label: `${fnId} throttles` }),
              ),
              ...props.tables.map(({ id: tableId, table }) =>
                tableThrottles(table, tableId, `${tableId} throttles`),
              ),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Lambda errors',
            left: props.functions.map(({ id: fnId, fn }) =>
              fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: fnId }),
            ),
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Lambda duration (p50 and p99, ms)',
            left: props.functions.flatMap(({ id: fnId, fn }): IMetric[] => [
              fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p50', label: `${fnId} p50` }),
              fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: `${fnId} p99` }),
            ]),
            width: 24,
          }),
        ],
      ],
    });
  }
}

/**
 * Read and write throttle events of a table. `id` names the expression's metrics: a graph holding
 * several tables needs distinct ones.
 */
function tableThrottles(table: ITable, id: string, label?: string): MathExpression {
  const metric = (metricName: string) =>
    new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: table.tableName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  return new MathExpression({
    expression: `FILL(reads${id}, 0) + FILL(writes${id}, 0)`,
    usingMetrics: {
      [`reads${id}`]: metric('ReadThrottleEvents'),
      [`writes${id}`]: metric('WriteThrottleEvents'),
    },
    label: label ?? 'Read and write throttle events',
    period: FIVE_MINUTES,
  });
}
