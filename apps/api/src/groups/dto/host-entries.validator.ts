import { registerDecorator, type ValidationArguments } from 'class-validator';
import { parseHostEntry } from '../../tools/net/host-list.js';

/** An array of host entries as TOOL_TRUSTED_DESTINATIONS takes them: host, host:port, host:*, *.domain. */
export function IsHostEntries(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHostEntries',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((entry) => typeof entry === 'string' && entry.length <= 260 && parseHostEntry(entry) !== null),
        defaultMessage: (args: ValidationArguments) => {
          const bad = Array.isArray(args.value)
            ? (args.value as unknown[]).find((entry) => typeof entry !== 'string' || parseHostEntry(entry) === null)
            : undefined;
          return `${args.property} must be a list of hosts (host, host:port, host:* or *.domain)${bad === undefined ? '' : `; "${String(bad)}" is not one`}`;
        },
      },
    });
}
