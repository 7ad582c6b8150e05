/**
 * Schema pieces shared by task types, each giving one TypeBox definition for both the compile-time type
 * and the run-time check.
 */
import { Type, type TSchema, type Static } from '@sinclair/typebox';

/** One octal digit. */
export type Octal = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7';
/** A file mode as an octal string: `'0644'`, `'755'`, `'1777'`. Never a number (644 would mean decimal). */
export type FileMode = `${Octal}${Octal}${Octal}` | `${Octal}${Octal}${Octal}${Octal}`;

/** Schema of {@link FileMode}. */
export const FileModeSchema = Type.Unsafe<FileMode>(Type.String({ pattern: '^[0-7]?[0-7]{3}$', description: "an octal string such as '0644'" }));

/** Schema of a template reference (`template('name.hbs')`). */
export const TemplateRefSchema = Type.Object(
  { template: Type.String({ minLength: 1 }), vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false },
);

/** An absolute path on the host. */
export const AbsolutePath = Type.String({ pattern: '^/', description: 'an absolute path' });

/** A strict object schema: unknown arguments are refused. */
export function Args<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

/** Normalise an octal mode to four digits: '644' → '0644'. */
export function normalizeMode(mode: string): string {
  return mode.padStart(4, '0');
}

export type { Static };
