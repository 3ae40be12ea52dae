import { AppError } from '../domain/errors.ts';

/** A period's start after its end is a 400 (dates as `YYYY-MM-DD` compare as text). */
export function assertPeriod(from: string | undefined, to: string | undefined, field = 'from'): void {
  if (from && to && from > to) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field, message: 'après la date de fin', code: 'after_end_date' }],
    });
  }
}
