import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromResponse } from './api-error.ts';
import { setLocale } from './locale.ts';

function answer(status: number, error: unknown): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });
}

// setLocale marks the page's language; Node has no page.
vi.stubGlobal('document', { documentElement: {} });

describe('errorFromResponse', () => {
  afterEach(() => setLocale('fr'));

  it('writes the server’s refusal and its fields in the reader’s language', async () => {
    const body = {
      code: 'validation_error',
      message: 'Données invalides : name, phone',
      details: {
        fields: [
          {
            field: 'name',
            message: 'Too small: expected string to have >=3 characters',
            code: 'too_small',
            params: { origin: 'string', minimum: 3 },
          },
          { field: 'phone', message: 'déjà utilisé', code: 'already_used', params: {} },
          { field: 'area', message: 'zone fermée' },
        ],
      },
    };
    setLocale('en');
    const english = await errorFromResponse(answer(400, body));
    expect(english.message).toBe('Invalid data');
    expect(english.fields).toEqual({
      name: 'at least 3 characters',
      phone: 'already used',
      area: 'zone fermée',
    });

    setLocale('fr');
    const french = await errorFromResponse(answer(400, body));
    expect(french.message).toBe('Données invalides : name, phone');
    expect(french.fields).toEqual({
      name: 'au moins 3 caractères',
      phone: 'déjà utilisé',
      area: 'zone fermée',
    });
  });

  it('names the statuses of a refused change with the dashboard’s labels', async () => {
    setLocale('en');
    const error = await errorFromResponse(
      answer(409, {
        code: 'invalid_transition',
        message: 'Passage de « livree » à « nouvelle » impossible',
        details: { from: 'livree', to: 'nouvelle' },
      }),
    );
    expect(error.message).toBe('Cannot go from “Delivered” to “New”');
  });
});
