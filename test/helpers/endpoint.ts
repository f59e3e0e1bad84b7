/**
 * Which AWS endpoint the integration tests run on: the emulators the runtime starts (DynamoDB Local
 * and fauxqs), or AWS_ENDPOINT_URL (LocalStack, moto_server). Global setup recognizes moto_server
 * by its `/moto-api/` page and sets INTAKE_ENDPOINT_IS_MOTO.
 */

export const underMoto = (): boolean => process.env.INTAKE_ENDPOINT_IS_MOTO === '1';

type Test = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it`, except on moto_server, where the test is skipped, its name saying why. Only for what moto
 * does unlike AWS's documented behaviour (the reason names it); Intake's code stays right for AWS.
 */
export function itUnlessMoto(reason: string): Test {
  if (!underMoto()) return it;
  return (name, fn, timeout) => it.skip(`${name} [skipped on moto_server: ${reason}]`, fn, timeout);
}
