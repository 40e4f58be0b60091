import { registerDecorator, type ValidationOptions } from 'class-validator';
import { segment } from '../http/path';

/**
 * Whether a value can be one path segment: the test is src/http/path.ts's own `segment()` (which
 * rejects "", "." and ".."), asked instead of copied, so the rule that builds routes and the rule
 * that checks ids before any call cannot drift apart (docs/kit.md, "path segments").
 */
export function isPathSegment(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    segment(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * class-validator decorator for an id that goes into a vendor route. `each` checks every element
 * of an array. The default message names the property and the rule, never the value.
 */
export function IsPathSegment(options: ValidationOptions = {}): PropertyDecorator {
  return (target, propertyName) => {
    const name = String(propertyName);
    const each = options.each === true;
    registerDecorator({
      name: 'isPathSegment',
      target: target.constructor,
      propertyName: name,
      options: { message: `${name} must ${each ? 'hold ids that are' : 'be'} non-empty and not "." or "..".`, ...options },
      validator: { validate: (v: unknown) => isPathSegment(v) },
    });
  };
}
