import type { Category, CreateCategoryInput } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { toIso } from '../../lib/dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  type CategoryRow,
  insertCategory,
  isCategoryNameTaken,
  selectCategories,
} from './categories.repo.ts';

function toCategoryDto(row: CategoryRow): Category {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await selectCategories(db);
  return rows.map(toCategoryDto);
}

export async function createCategory(ctx: WriteContext, input: CreateCategoryInput): Promise<Category> {
  if (await isCategoryNameTaken(ctx.tx, input.name)) {
    throw new AppError('conflict', 'Cette catégorie existe déjà', {
      fields: [{ field: 'name', message: 'déjà utilisé', code: 'already_used' }],
    });
  }
  const row = await insertCategory(ctx.tx, { name: input.name, description: input.description ?? null });
  await recordAudit(ctx, {
    action: 'category.create',
    entity: 'category',
    entityId: row.id,
    after: row,
  });
  return toCategoryDto(row);
}
