import { describe, expect, it } from 'vitest';
import {
  CreateClientInputSchema,
  foldClientName,
  normalizePhone,
  phoneSearchDigits,
} from './client-fields.ts';
import { ClientListQuerySchema, UpdateClientInputSchema } from './clients.ts';

describe('normalizePhone', () => {
  it.each([
    ['70 12 34 56', '+22670123456'],
    ['70-12-34-56', '+22670123456'],
    ['70.12.34.56', '+22670123456'],
    ['70123456', '+22670123456'],
    ['+226 70123456', '+22670123456'],
    ['+226 70 12 34 56', '+22670123456'],
    ['0022670123456', '+22670123456'],
    ['00226 70 12 34 56', '+22670123456'],
    ['22670123456', '+22670123456'],
    [' 76 00 00 01 ', '+22676000001'],
    ['+225 07 07 07 07 07', '+2250707070707'],
  ])('reads %j as %s', (typed, stored) => {
    expect(normalizePhone(typed)).toBe(stored);
  });

  it.each([
    ['7012345'],
    ['701234567'],
    ['+226 7012345'],
    ['+226 701234567'],
    ['00226701234'],
    ['+1234567'],
    ['70 12 34 5a'],
    [''],
    ['++22670123456'],
  ])('refuses %j', (typed) => {
    expect(normalizePhone(typed)).toBeNull();
  });
});

describe('foldClientName', () => {
  it('ignores accents, case and spacing', () => {
    expect(foldClientName('  Maquis  Chez\tAdèle ')).toBe('maquis chez adele');
    expect(foldClientName('MAQUIS CHEZ ADELE')).toBe(foldClientName('Maquis chez Adèle'));
    expect(foldClientName('Boutique Ouédraogo & Fils')).toBe('boutique ouedraogo & fils');
  });
});

describe('phoneSearchDigits', () => {
  it('reads a search typed as a phone number, in any of its written forms', () => {
    expect(phoneSearchDigits('70 12 34')).toBe('701234');
    expect(phoneSearchDigits(' +226 70-12 ')).toBe('2267012');
    expect(phoneSearchDigits('70.12/34')).toBe('701234');
  });

  it('leaves a name with digits, and a single digit, to the name search', () => {
    expect(phoneSearchDigits('Boutique 2000')).toBe('');
    expect(phoneSearchDigits('Maquis Kwamé 12')).toBe('');
    expect(phoneSearchDigits('7')).toBe('');
    expect(phoneSearchDigits('')).toBe('');
  });
});

describe('client inputs', () => {
  it('normalises the phone of a new client', () => {
    const input = CreateClientInputSchema.parse({ name: ' Chez Adèle ', phone: '70 12 34 56' });
    expect(input).toEqual({ name: 'Chez Adèle', phone: '+22670123456' });
  });

  it('refuses a phone it cannot read, an unknown field, a control character', () => {
    expect(CreateClientInputSchema.safeParse({ name: 'A', phone: '12 34' }).success).toBe(false);
    expect(CreateClientInputSchema.safeParse({ name: 'A', colour: 'blue' }).success).toBe(false);
    expect(CreateClientInputSchema.safeParse({ name: 'A\u0000B' }).success).toBe(false);
    expect(UpdateClientInputSchema.safeParse({ area: 'Secteur\n5' }).success).toBe(false);
  });

  it('refuses a negative credit limit and an unknown kind', () => {
    expect(CreateClientInputSchema.safeParse({ name: 'A', credit_limit: -1 }).success).toBe(false);
    expect(CreateClientInputSchema.safeParse({ name: 'A', kind: 'grossiste' }).success).toBe(false);
  });

  it('lists by name by default', () => {
    expect(ClientListQuerySchema.parse({})).toMatchObject({ sort: 'name', limit: 50 });
  });
});
