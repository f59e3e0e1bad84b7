import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../adapters/dynamo-batch.js';
import { primaryKey } from '../../adapters/keys.js';
import { ContactExistsError } from '../../core/errors.js';
import type { Contact, ContactStore } from './registry.js';

/** MPDX contacts in DynamoDB. Key layout, in the Jobs table: `T#<tenant>#CONTACT#<id>` / `CONTACT`. No `expires_at`: contacts stay. */
export const contactKey = (tenantId: string, id: string) =>
  primaryKey(`T#${tenantId}#CONTACT#${id}`, 'CONTACT');

const toContact = (item: Record<string, unknown>): Contact => ({
  id: String(item.id),
  workspace: String(item.workspace),
  name: String(item.name),
  created_at: String(item.created_at),
});

export class DynamoContactStore implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(tenantId: string, contact: Contact): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...contactKey(tenantId, contact.id), ...contact },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ContactExistsError(contact.id);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Contact | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: contactKey(tenantId, id) }),
    );
    return out.Item === undefined ? null : toContact(out.Item);
  }

  async getMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>> {
    const unique = [...new Set(ids)];
    const items = await batchGet(
      this.client,
      this.table,
      unique.map((id) => contactKey(tenantId, id)),
    );
    return new Map(items.map(toContact).map((contact) => [contact.id, contact]));
  }
}
