import { z } from 'zod';
import { IdSchema, multiLineText, singleLineText } from './common.ts';

/**
 * A client's own fields and the inputs that create one, apart from clients.ts so the order inputs
 * (orders.ts) can take a new client inline without the two modules importing each other.
 */

export const CLIENT_KINDS = ['boutique', 'maquis', 'revendeur', 'particulier', 'autre'] as const;
export const ClientKindSchema = z.enum(CLIENT_KINDS);
export type ClientKind = z.infer<typeof ClientKindSchema>;

/** What a typed phone number may hold: digits, spaces, dots, dashes, slashes, a leading `+`. */
const PHONE_CHARACTERS = /^(\+|00)?[0-9][0-9 .\-/]*[0-9]$/;

/** Burkina Faso's country code; a phone number of 8 digits without one is a local number. */
export const LOCAL_COUNTRY_CODE = '226';

/**
 * A phone number in its one stored form, `+` and digits (`+226XXXXXXXX` for Burkina Faso), from the
 * forms people write: `70 12 34 56`, `70-12-34-56`, `+226 70123456`, `0022670123456`. Null when it
 * is none of them (8 local digits, or `+`/`00` then a country code and 8 to 15 digits in all; a
 * Burkina number has exactly 8 after `226`). The server's migration does the same in SQL.
 */
export function normalizePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!PHONE_CHARACTERS.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  let international: string;
  if (trimmed.startsWith('+')) international = digits;
  else if (trimmed.startsWith('00')) international = digits.slice(2);
  else if (digits.length === 8) international = LOCAL_COUNTRY_CODE + digits;
  else if (digits.length === 11 && digits.startsWith(LOCAL_COUNTRY_CODE)) international = digits;
  else return null;
  if (international.startsWith(LOCAL_COUNTRY_CODE) && international.length !== 11) return null;
  if (international.length < 8 || international.length > 15) return null;
  return `+${international}`;
}

/** What a search typed as a phone number may hold: digits, spaces, dots, dashes, slashes, a `+`. */
const PHONE_SEARCH = /^\+?[0-9 .\-/]+$/;

/**
 * The digits a directory search matches phone numbers with (two at least), or '' when the search
 * is a name: one with letters (« Boutique 2000 », « Maquis Kwamé 12 ») would otherwise match every
 * client whose phone happens to hold its digits. The server and the phone search alike.
 */
export function phoneSearchDigits(search: string): string {
  const trimmed = search.trim();
  if (!PHONE_SEARCH.test(trimmed)) return '';
  const digits = trimmed.replace(/\D/g, '');
  return digits.length >= 2 ? digits : '';
}

/**
 * A client's name as the directory compares it: lower case, accents stripped, spaces collapsed
 * ("Maquis  Chez Adèle" and "maquis chez adele" are one). Search uses it on both sides.
 */
export function foldClientName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export const CLIENT_PHONE_MESSAGE = 'numéro de téléphone invalide';

/** A phone as typed, normalised to `+226…` (see `normalizePhone`); a form it can't read is refused. */
export const ClientPhoneInputSchema = singleLineText({ trim: true })
  .max(30)
  .regex(PHONE_CHARACTERS, CLIENT_PHONE_MESSAGE)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (phone === null) {
      ctx.addIssue({ code: 'invalid_format', format: 'regex', message: CLIENT_PHONE_MESSAGE });
      return z.NEVER;
    }
    return phone;
  });

/** An amount of FCFA the client may owe before the phone warns (a warning, never a block). */
export const CreditLimitSchema = z.number().int().min(0).max(1_000_000_000);

/** The fields a client is created with; an update takes the same, each optional. */
export const clientInputFields = {
  name: singleLineText({ trim: true }).min(1).max(120),
  phone: ClientPhoneInputSchema.nullable().optional(),
  area: singleLineText({ trim: true }).max(120).nullable().optional(),
  address: multiLineText({ trim: true }).max(300).nullable().optional(),
  kind: ClientKindSchema.optional(),
  notes: multiLineText({ trim: true }).max(2000).nullable().optional(),
  credit_limit: CreditLimitSchema.nullable().optional(),
};

export const CreateClientInputSchema = z.strictObject({
  /** Optional from the dashboard; a phone sends its own UUID (sending it again is idempotent). */
  id: IdSchema.optional(),
  ...clientInputFields,
  /** Admin only (others create on their own site). */
  site_id: IdSchema.optional(),
});
export type CreateClientInput = z.infer<typeof CreateClientInputSchema>;

/**
 * The `create_client` sync mutation's arguments: the phone's UUID is required. A client with the
 * same normalised phone on the site already there answers `applied` with that client's id (the
 * survivor); the same id with other content is rejected (`client_id_taken`).
 */
export const SyncCreateClientArgsSchema = CreateClientInputSchema.omit({ site_id: true }).extend({
  id: IdSchema,
});
export type SyncCreateClientArgs = z.infer<typeof SyncCreateClientArgsSchema>;

/** What a push result says of a client: the id the phone must use from now on. */
export const SyncClientRefSchema = z.object({
  /** The phone's UUID, as sent. */
  requested_id: IdSchema,
  /** The client that holds it: `requested_id`, or the existing client it was deduplicated into. */
  id: IdSchema,
  version: z.number().int(),
});
export type SyncClientRef = z.infer<typeof SyncClientRefSchema>;
