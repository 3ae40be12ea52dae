import { ERROR_STATUS, type ErrorCode, type FieldIssueCode, type FieldIssueParams } from '@gapal/shared';

/**
 * A field issue a service reports in `details.fields`: its `code` (one of `FIELD_ISSUE_CODES`) is
 * required, so the compiler refuses a field error a client in another language could not render.
 */
export type ServiceFieldIssue = {
  field: string;
  message: string;
  code: FieldIssueCode;
  params?: FieldIssueParams;
};

/** An error's `details`: whatever the error needs, and its field issues, each with a code. */
export type AppErrorDetails = {
  readonly fields?: readonly ServiceFieldIssue[];
  readonly [key: string]: unknown;
};

/** The one error type services throw; the handler turns it into the shared error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: AppErrorDetails,
  ) {
    super(message);
  }

  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * What a 404 names, as `details.resource`, so a client says « Order not found » in its own
 * language; keyed by the French name the call sites pass.
 */
const NOT_FOUND_RESOURCES: Record<string, string> = {
  Commande: 'order',
  Produit: 'product',
  Site: 'site',
  Lot: 'lot',
  Appareil: 'device',
  Utilisateur: 'user',
  Notification: 'notification',
  'Note vocale': 'voice_note',
  Client: 'client',
};

export const notFound = (what = 'Ressource') => {
  const resource = NOT_FOUND_RESOURCES[what];
  return new AppError('not_found', `${what} introuvable`, resource ? { resource } : undefined);
};
export const forbidden = (message = 'Action non autorisée pour votre rôle') =>
  new AppError('forbidden', message);
