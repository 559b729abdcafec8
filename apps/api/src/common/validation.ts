import { type ArgumentMetadata, applyDecorators, BadRequestException, ValidationPipe } from '@nestjs/common';
import { PartialType } from '@nestjs/swagger';
import { Type as TransformTo } from 'class-transformer';
// The only place IsOptional, ValidateNested and PartialType are used (eslint forbids them elsewhere):
// IsOptional lets null through unvalidated, so a field is nullable only where null has a documented meaning.
import {
  IsDefined,
  IsObject,
  IsOptional,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/**
 * The global pipe (whitelist, forbidNonWhitelisted, transform). Every request body is a DTO, so a body
 * that is not a JSON object is one 400 up front, rather than an array turned into one DTO per element.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const wholeBody = metadata.type === 'body' && !metadata.data;
    if (wholeBody && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new BadRequestException('The request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

/** May be left out; null is a 400 naming the field (only absence means "not given"). */
export function Optional(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    IsDefined({ message: '$property must not be null (leave it out instead)' }),
  );
}

/** May be left out or null; use only where null has a documented meaning (e.g. "remove", "the default"). */
export function OptionalNullable(): PropertyDecorator {
  return IsOptional();
}

/** A nested DTO: must be a JSON object (not an array, null or a scalar), validated as `type`. */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject({ message: '$property must be an object' }), ValidateNested(), TransformTo(type));
}

/**
 * The update DTO of a create DTO: every field may be left out, but a null in a field that is not
 * nullable is still validated (and refused) rather than skipped on its way to the database.
 */
export function UpdateType<T>(create: new () => T) {
  return PartialType(create, { skipNullProperties: false });
}

/** The user name and password in a URL (`https://user:pass@host/`), if it has any. */
export function hasUrlCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/**
 * An absolute http: or https: URL the gateway POSTs to (private addresses allowed: the operator sets
 * it). Credentials in it are refused: fetch cannot send them, and they would be stored and logged in
 * the clear.
 */
export function IsHttpUrl(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isHttpUrl',
      target: object.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && urlProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `${String(propertyName)} ${typeof args?.value === 'string' ? (urlProblem(args.value) ?? '') : 'must be an http:// or https:// URL'}`,
      },
    });
}

function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http:// or https:// URL';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return 'must be an http:// or https:// URL';
  }
  if (hasUrlCredentials(value)) {
    return (
      'must not contain a user name or password (user:password@), which cannot be sent; ' +
      'authenticate deliveries by their webhook-signature header, or put a secret in the path or query instead'
    );
  }
  return null;
}
