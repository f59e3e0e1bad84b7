import {
  defaultOrganisation,
  defaultOwner,
  newObjectId,
  parseObjectId,
} from '../../../../functions/surfaces/learninglocker/ids.js';
import { workspaceOf } from '../../../../functions/surfaces/learninglocker/mapping.js';

const NOW = '2024-05-01T12:00:00.000Z';

describe('Learning Locker ids', () => {
  it('makes 24-hex ids that start with the creation time and sort by it', () => {
    const id = newObjectId(NOW, new Uint8Array(7));
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.parseInt(id.slice(0, 8), 16)).toBe(Date.parse(NOW) / 1000);
    expect(
      newObjectId('2024-05-01T12:00:00.001Z', new Uint8Array(7).fill(0)) >
        newObjectId(NOW, new Uint8Array(7).fill(255)),
    ).toBe(true);
  });

  it('reads 24-hex ids in either case, and nothing else', () => {
    expect(parseObjectId('59C1219936229D4CE9634601')).toBe('59c1219936229d4ce9634601');
    expect(parseObjectId('59c1219936229d4ce963460')).toBeNull();
    expect(parseObjectId('not-an-id')).toBeNull();
  });

  it('derives a stable organisation and owner per tenant, and a workspace per organisation', () => {
    expect(defaultOrganisation('t1')).toMatch(/^[0-9a-f]{24}$/);
    expect(defaultOrganisation('t1')).toBe(defaultOrganisation('t1'));
    expect(defaultOrganisation('t2')).not.toBe(defaultOrganisation('t1'));
    expect(defaultOwner('t1')).not.toBe(defaultOrganisation('t1'));
    expect(workspaceOf('59c1219936229d4ce9634602')).toBe('ll-59c1219936229d4ce9634602');
  });
});
