/**
 * A client written from the OpenAPI document alone, as someone outside the project would write
 * one: the types are generated from the document by openapi-typescript (`gapal-api.ts`, not
 * committed: `npm run openapi -- types scripts/openapi-client/gapal-api.ts`) and the calls are made
 * by openapi-fetch. It signs in, orders two of the product found by name, reads the order back and
 * asks for an order that does not exist (the documented 404). It prints the order read back as JSON.
 *
 * usage: node --import tsx scripts/openapi-client/create-order.ts BASE_URL USERNAME PASSWORD PRODUCT
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './gapal-api.ts';

type ErrorBody = components['schemas']['ErrorBody'];

const [baseUrl, username, password, productName] = process.argv.slice(2);
if (!baseUrl || !username || !password || !productName) {
  console.error('usage: create-order.ts BASE_URL USERNAME PASSWORD PRODUCT');
  process.exit(2);
}

function refused(step: string, response: Response, error?: ErrorBody): never {
  throw new Error(
    `${step}: HTTP ${response.status} ${error?.error.code ?? ''} ${error?.error.message ?? ''}`,
  );
}

const api = createClient<paths>({ baseUrl });

const login = await api.POST('/api/auth/login/', { body: { username, password } });
if (!login.data) refused('login', login.response, login.error);
const accessToken = login.data.access_token;
api.use({
  onRequest: ({ request }) => {
    request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
});

const products = await api.GET('/api/products', { params: { query: { search: productName, limit: 1 } } });
if (!products.data) refused('products', products.response, products.error);
const product = products.data.items[0];
if (!product) throw new Error(`products: no product named ${productName}`);

const created = await api.POST('/api/orders', {
  body: {
    local_id: crypto.randomUUID(),
    client_name: 'Client du document OpenAPI',
    items: [{ product_id: product.id, quantity: 2 }],
  },
});
if (!created.data) refused('create order', created.response, created.error);

const read = await api.GET('/api/orders/{id}/', { params: { path: { id: created.data.id } } });
if (!read.data) refused('read order', read.response, read.error);

const missing = await api.GET('/api/orders/{id}/', { params: { path: { id: crypto.randomUUID() } } });
if (missing.response.status !== 404 || missing.error?.error.code !== 'not_found') {
  throw new Error(
    `missing order: expected the documented 404 not_found, got HTTP ${missing.response.status}`,
  );
}

console.log(JSON.stringify({ created_status: created.response.status, order: read.data }));
