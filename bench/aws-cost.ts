/**
 * What an import costs in AWS, from what the benchmark metered: DynamoDB request units, Lambda
 * time (the workers' invocations, timed on this machine, at their configured memory), and the SQS
 * and S3 requests an import makes per chunk. Prices in one place, with the day they were read.
 */

/** us-east-1 on-demand list prices in US dollars (DynamoDB's since its November 2024 cut). */
export const PRICES = {
  asOf: '2024-11-01',
  region: 'us-east-1',
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  /** Lambda on arm64 (the stack's architecture), per GB-second and per million invocations. */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionInvocations: 0.2,
  /** SQS standard queue, per million requests (each 64 KB of a request counts as one). */
  sqsPerMillionRequests: 0.4,
  /** S3 Standard: PUT (and POST, LIST) and GET requests, per thousand. */
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
} as const;

export interface ImportUsage {
  rows: number;
  chunks: number;
  writeUnits: number;
  readUnits: number;
  /** Worker invocations: their count, and GB-seconds (milliseconds × memory). */
  invocations: number;
  gbSeconds: number;
}

/**
 * Requests per import beyond DynamoDB: per chunk, one S3 PUT (analysis writes it) and one GET (the
 * worker reads it), a tenth of a SendMessageBatch, a receive and a delete; per import, the upload,
 * the source read, the two result files, and the analysis message's send, receive and delete.
 */
export function requestsOf(chunks: number) {
  return { s3Puts: chunks + 3, s3Gets: chunks + 1, sqs: chunks * 2.1 + 3 };
}

export interface Cost {
  dynamo: number;
  lambda: number;
  sqs: number;
  s3: number;
  total: number;
}

/** The cost of the import, scaled to a million rows of the same mix. */
export function costPerMillionRows(usage: ImportUsage): Cost {
  const scale = 1_000_000 / usage.rows;
  const requests = requestsOf(usage.chunks);
  const dynamo =
    (usage.writeUnits * PRICES.dynamoWritePerMillion + usage.readUnits * PRICES.dynamoReadPerMillion) / 1e6;
  const lambda =
    usage.gbSeconds * PRICES.lambdaPerGbSecond +
    (usage.invocations * PRICES.lambdaPerMillionInvocations) / 1e6;
  const sqs = (requests.sqs * PRICES.sqsPerMillionRequests) / 1e6;
  const s3 = (requests.s3Puts * PRICES.s3PutPerThousand + requests.s3Gets * PRICES.s3GetPerThousand) / 1e3;
  const cost = { dynamo: dynamo * scale, lambda: lambda * scale, sqs: sqs * scale, s3: s3 * scale, total: 0 };
  cost.total = cost.dynamo + cost.lambda + cost.sqs + cost.s3;
  return cost;
}
