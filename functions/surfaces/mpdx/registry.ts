/**
 * MPDX contacts: the registry a person's `contacts` relationship points into. A contact belongs to
 * one workspace (MPDX's account list), and a person created through MPDX lives in its contact's
 * workspace. Only what the people surface needs is kept: id, workspace and name.
 */
export interface Contact {
  id: string;
  workspace: string;
  name: string;
  created_at: string;
}

/** The port the MPDX surface uses; tenant-scoped like every store. */
export interface ContactStore {
  /** Stores a new contact; throws ContactExistsError when the tenant already has one with that id. */
  create(tenantId: string, contact: Contact): Promise<void>;
  get(tenantId: string, id: string): Promise<Contact | null>;
  /** The tenant's contacts among `ids`, by id; unknown ids are absent. */
  getMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>>;
}
