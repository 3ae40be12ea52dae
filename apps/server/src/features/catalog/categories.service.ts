import type { Category, CreateCategoryInput } from '@gapal/shared';
import { asc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { categories } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import { recordAudit } from '../audit/audit.service.ts';

type CategoryRow = typeof categories.$inferSelect;

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
  const rows = await db.select().from(categories).orderBy(asc(categories.name));
  return rows.map(toCategoryDto);
}

export async function createCategory(db: Db, actor: Actor, input: CreateCategoryInput): Promise<Category> {
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: categories.id })
      .from(categories)
      .where(sql`lower(${categories.name}) = ${input.name.toLowerCase()}`);
    if (taken) {
      throw new AppError('conflict', 'Cette catégorie existe déjà', {
        fields: [{ field: 'name', message: 'déjà utilisé', code: 'already_used' }],
      });
    }
    const [row] = await tx
      .insert(categories)
      .values({ name: input.name, description: input.description ?? null })
      .returning();
    await recordAudit(tx, actor, {
      action: 'category.create',
      entity: 'category',
      entityId: row!.id,
      after: row,
    });
    return toCategoryDto(row!);
  });
}
