import { validate, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { ErrorCode } from '../core/errors';
import type { UserErrorRecord } from '../core/writes';

/**
 * The one option set every vendor's rules run with (docs/kit.md, "validation"):
 *  - stopAtFirstError: one error per field, the first rule it breaks (a property lists its
 *    checks so that the most telling one fails first);
 *  - forbidUnknownValues: a rules object without class-validator metadata is an error, not a
 *    silent pass — a typo in a rules class cannot turn validation off;
 *  - validationError target/value false: the ValidationError objects never carry the rules object
 *    or the rejected value, so no password, SSN or PIN can leak through them into a log.
 * whitelist is deliberately off: unsupported input fields are refused by explicit rules that say
 * which vendor lacks the field, never stripped silently.
 */
export const RULE_OPTIONS: Readonly<ValidatorOptions> = Object.freeze({
  stopAtFirstError: true,
  forbidUnknownValues: true,
  validationError: Object.freeze({ target: false, value: false }),
});

/**
 * The code a rule reports: BAD_USER_INPUT unless the decorator says otherwise through its
 * `context` (`{ context: { code: 'UNSUPPORTED_BY_VENDOR' } }`).
 */
interface RuleContext {
  code?: ErrorCode;
}

/**
 * Runs the rules of one object and returns UserErrorRecords: `field` is `prefix + property`
 * ("input." for the mutation input, "" for ids), `message` the rule's own constant message.
 * Pure: no I/O.
 */
export async function checkRules(rules: object, prefix = ''): Promise<UserErrorRecord[]> {
  const errors: ValidationError[] = await validate(rules, RULE_OPTIONS);
  return errors.map((e) => {
    const [constraint, message] = Object.entries(e.constraints ?? {})[0] ?? ['', `${prefix}${e.property} is not valid.`];
    const code = (e.contexts?.[constraint] as RuleContext | undefined)?.code ?? 'BAD_USER_INPUT';
    return { field: `${prefix}${e.property}`, code, message };
  });
}

/** `checkRules` of a fresh rules object holding `values` (only the keys given are copied). */
export function checkValues<T extends object>(Rules: new () => T, values: object, prefix = ''): Promise<UserErrorRecord[]> {
  return checkRules(Object.assign(new Rules(), values), prefix);
}
