import type { Surface } from '../../../functions/api/surface.js';
import type { RawReply } from './raw-http.js';

/**
 * Each surface's documented error bodies (README, docs/compat.md), as a check of a 4xx reply:
 * the problem found, or null when the reply is in its surface's format.
 */

type Check = (status: number, body: unknown, reply: RawReply) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isTextList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every(isText);
const contentType = (reply: RawReply) => String(reply.headers['content-type'] ?? '');

/** Native: `{"error": {code, message, details?}}`. */
const native: Check = (_status, body) =>
  isObject(body) && isObject(body.error) && isText(body.error.code) && isText(body.error.message)
    ? null
    : 'not {"error": {code, message}}';

/** RedJade: `{"errors": {"<key>": ["message", ...]}}`. */
const redjade: Check = (_status, body) =>
  isObject(body) &&
  isObject(body.errors) &&
  Object.keys(body.errors).length > 0 &&
  Object.values(body.errors).every(isTextList)
    ? null
    : 'not {"errors": {"<key>": ["message"]}}';

/** WebAdmit: an empty 401, `{"errors": {"schema": [...]}}` for a 422, else `{"message"}`. */
const webadmit: Check = (status, body, reply) => {
  if (status === 401) return reply.text === '' ? null : 'a 401 with a body';
  if (status === 422 && isObject(body) && isObject(body.errors)) {
    return isTextList(body.errors.schema) ? null : 'not {"errors": {"schema": [...]}}';
  }
  return isObject(body) && isText(body.message) ? null : 'not {"message"}';
};

/** MPDX: a JSON:API error document in `application/vnd.api+json`. */
const mpdx: Check = (status, body, reply) => {
  if (!contentType(reply).startsWith('application/vnd.api+json')) return `content-type ${contentType(reply)}`;
  const errors = isObject(body) ? body.errors : undefined;
  return Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (e) =>
        isObject(e) && e.status === String(status) && isText(e.code) && isText(e.title) && isText(e.detail),
    )
    ? null
    : 'not a JSON:API error document';
};

/** Learning Locker: a plain-text `Unauthorized` 401, else `{"errorId", "message", "messages"?}`. */
const learningLocker: Check = (status, body, reply) => {
  if (status === 401) return reply.text === 'Unauthorized' ? null : 'a 401 other than the text Unauthorized';
  return isObject(body) &&
    isText(body.errorId) &&
    isText(body.message) &&
    (body.messages === undefined || isTextList(body.messages))
    ? null
    : 'not {"errorId", "message"}';
};

const CHECKS: Record<string, Check> = { native, redjade, webadmit, mpdx, learninglocker: learningLocker };

/** The surface a path belongs to, as the API decides it: the one whose format claims it, else native. */
export function surfaceOf(surfaces: Surface[], path: string): string {
  return surfaces.find((s) => s.name !== 'native' && s.errors.matches(path))?.name ?? 'native';
}

/** What is wrong with a 4xx reply of this surface, or null. Every surface must have a check here. */
export function errorFormatProblem(surface: string, reply: RawReply): string | null {
  const check = CHECKS[surface];
  if (check === undefined) return `no documented error format for surface ${surface} in this check`;
  let body: unknown;
  try {
    body = reply.text === '' ? undefined : JSON.parse(reply.text);
  } catch {
    body = undefined;
  }
  return check(reply.status, body, reply);
}
