import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** A customer tag, as the Proton API spells it. */
export interface ResourceTag {
  key: string;
  value: string;
}

/** The most tags one resource can carry (the model's `TagList` maximum). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Adds tags to a resource, replacing the value of keys it already has. */
export async function putTags(
  db: Db,
  resourceArn: string,
  tags: ResourceTag[],
): Promise<void> {
  const byKey = new Map(tags.map(tag => [tag.key, tag.value]));
  for (const [key, value] of byKey) {
    await db('tags')
      .insert({ resource_arn: resourceArn, key, value })
      .onConflict(['resource_arn', 'key'])
      .merge(['value']);
  }
}

/** Counts the tags of a resource. */
export async function countTags(db: Db, resourceArn: string): Promise<number> {
  const row = await db('tags')
    .where({ resource_arn: resourceArn })
    .count({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}

/** Removes tags from a resource by key; keys it does not have are ignored. */
export async function deleteTags(
  db: Db,
  resourceArn: string,
  keys: string[],
): Promise<void> {
  await db('tags')
    .where({ resource_arn: resourceArn })
    .whereIn('key', keys)
    .delete();
}

/** Removes every tag of a resource, when the resource itself is deleted. */
export async function deleteAllTags(
  db: Db,
  resourceArn: string,
): Promise<void> {
  await db('tags').where({ resource_arn: resourceArn }).delete();
}
