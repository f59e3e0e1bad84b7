import type { FromSchema } from 'json-schema-to-ts';
import { compileBody, compileQuery } from '../../api/validation.js';
import {
  participantImportActionCreateSchema,
  participantImportActionsQuerySchema,
  participantImportCreateSchema,
} from './schema.js';

/** RedJade's requests, typed by and validated against its schemas. */

export type ParticipantImportBody = FromSchema<typeof participantImportCreateSchema>;
export type ParticipantImportActionBody = FromSchema<typeof participantImportActionCreateSchema>;
export type ParticipantImportActionsQuery = FromSchema<typeof participantImportActionsQuerySchema>;
export type Participant = ParticipantImportBody['participants'][number];

export const redjadeValidators = {
  importCreate: compileBody<ParticipantImportBody>(participantImportCreateSchema),
  actionCreate: compileBody<ParticipantImportActionBody>(participantImportActionCreateSchema),
  actionsQuery: compileQuery<ParticipantImportActionsQuery>(participantImportActionsQuerySchema),
};
