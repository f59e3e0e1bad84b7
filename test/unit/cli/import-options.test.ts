import { UsageError } from '../../../cli/errors.js';
import { parseOptions } from '../../../cli/import-options.js';

describe('parseOptions (--option key=value)', () => {
  it("reads each value by the option's type in the API schema", () => {
    const fields = parseOptions([
      'skip_invalid=true',
      'create_missing_fields=no',
      'match_on=email, external_id',
      'operation=update',
      'date_format=DD.MM.YYYY',
    ]);

    expect(fields).toEqual({
      options: {
        skip_invalid: true,
        create_missing_fields: false,
        match_on: ['email', 'external_id'],
        operation: 'update',
        date_format: 'DD.MM.YYYY',
      },
    });
  });

  it('puts delimiter and encoding beside the options, and reads "tab" as a tab', () => {
    expect(parseOptions(['delimiter=tab', 'encoding=windows-1252', 'dry_run=1'])).toEqual({
      options: { dry_run: true },
      delimiter: '\t',
      encoding: 'windows-1252',
    });
  });

  it('keeps an = inside the value', () => {
    expect(parseOptions(['operation=a=b']).options).toEqual({ operation: 'a=b' });
  });

  it.each([
    ['skip_invalid', "'skip_invalid' is not key=value"],
    ['=true', "'=true' is not key=value"],
    ['skip_invalids=true', "'skip_invalids' is not an import option; the options are operation, match_on"],
    ['skip_invalid=maybe', 'skip_invalid is true or false'],
    ['match_on=,', 'give a comma-separated list'],
  ])('refuses %s, saying why', (pair, message) => {
    expect(() => parseOptions([pair])).toThrow(UsageError);
    expect(() => parseOptions([pair])).toThrow(message);
  });

  it('refuses an option given twice', () => {
    expect(() => parseOptions(['operation=create', 'operation=update'])).toThrow(
      "'operation' is given twice",
    );
  });
});
