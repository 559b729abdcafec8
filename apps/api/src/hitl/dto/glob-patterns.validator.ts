import { registerDecorator, type ValidationArguments } from 'class-validator';

const MAX_PATTERNS = 20;

/** An object of at most 20 input field names, each mapped to a glob pattern string of at most 500 characters. */
export function IsGlobPatterns(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isGlobPatterns',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          Object.keys(value).length <= MAX_PATTERNS &&
          Object.entries(value).every(
            ([field, pattern]) =>
              field.length > 0 && field.length <= 100 && typeof pattern === 'string' && pattern.length <= 500,
          ),
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must map up to ${MAX_PATTERNS} input field names to pattern strings`,
      },
    });
}
