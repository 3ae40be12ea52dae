import type { Role } from '@gapal/shared';
import { ADMIN } from './gapal-server.ts';

export type SeededUser = { id: string; username: string; password: string; full_name: string; role: Role };

let counter = 0;
/** Unique per run, so tests never depend on each other's rows. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** Seeds data through the real API, as the admin unless told otherwise. */
export class SeedApi {
  private adminToken: string | null = null;
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        authorization: `Bearer ${token ?? (await this.admin())}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async login(username: string, password: string): Promise<{ access_token: string; user: any }> {
    const response = await fetch(`${this.baseUrl}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`login ${username} → ${response.status} ${await response.text()}`);
    return (await response.json()) as { access_token: string; user: any };
  }

  async admin(): Promise<string> {
    this.adminToken ??= (await this.login(ADMIN.username, ADMIN.password)).access_token;
    return this.adminToken;
  }

  async defaultSiteId(): Promise<string> {
    const sites = await this.call<{ id: string; code: string }[]>('GET', '/api/sites/');
    return sites.find((site) => site.code === 'KDG')?.id ?? sites[0]!.id;
  }

  async createUser(role: Role, options: { siteId?: string; fullName?: string } = {}): Promise<SeededUser> {
    const username = unique(role.slice(0, 4));
    const password = 'motdepasse-e2e';
    const full_name = options.fullName ?? `Test ${role}`;
    const user = await this.call('POST', '/api/users/', {
      username,
      password,
      full_name,
      role,
      site_id: options.siteId ?? (await this.defaultSiteId()),
    });
    return { id: user.id, username, password, full_name, role };
  }
}

export type SeededProduct = { id: string; name: string; unit_price: number };

/** Catalog and stock seeding, through the same API the dashboard uses. */
export async function seedProduct(
  api: SeedApi,
  options: {
    name?: string;
    price?: number;
    stock?: number;
    threshold?: number;
    shelfLifeDays?: number;
    barcode?: string;
  } = {},
): Promise<SeededProduct> {
  const name = options.name ?? `Yaourt ${unique('')}`;
  const product = await api.call('POST', '/api/products/', {
    name,
    unit: 'pot',
    unit_price: options.price ?? 250,
    min_stock_level: options.threshold ?? 0,
    shelf_life_days: options.shelfLifeDays ?? 21,
    ...(options.barcode ? { barcode: options.barcode } : {}),
  });
  if (options.stock) {
    await api.call('POST', '/api/stock/entry/', {
      reference: 'BL-SEED',
      items: [{ product_id: product.id, quantity: options.stock }],
    });
  }
  return { id: product.id, name, unit_price: product.unit_price };
}

export async function seedOrder(
  api: SeedApi,
  items: { product_id: string; quantity: number }[],
  options: {
    clientName?: string;
    token?: string;
    priority?: 'basse' | 'moyenne' | 'haute';
    /** `YYYY-MM-DD`, today or later. */
    deliveryDate?: string;
  } = {},
): Promise<{ id: string; number: string; total_amount: number }> {
  return api.call(
    'POST',
    '/api/orders/',
    {
      local_id: crypto.randomUUID(),
      client_name: options.clientName ?? 'Maquis Le Baobab',
      client_phone: '+226 70 12 34 56',
      priority: options.priority ?? 'moyenne',
      ...(options.deliveryDate ? { delivery_date: options.deliveryDate } : {}),
      items,
    },
    options.token,
  );
}
