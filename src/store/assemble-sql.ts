// The SQL that assembles each staged object into the identity a commit stores: one template per merge rule of
// src/core/aspects.ts, generated for every versioned aspect, so an aspect is declared once and assembled by rule.
import { type SQL, sql } from 'drizzle-orm';
import { stagingTables, versionedAspects } from '../core/aspects.ts';
import { compareCodePoints } from '../core/code-point-order.ts';
import type { ScanPart } from '../core/scan-parts.ts';

export interface CommitPoint {
  scanId: number;
  integrationId: string;
  seq: number;
  parts: readonly ScanPart[];
}

/**
 * One identity per staged object (object_id, kind, app_id, display_name, data, hash): the latest identity fact
 * with each versioned aspect of aspects.ts assembled into it by its merge rule. Staging already folded the facts
 * into one row per object (scans.ts), so this is one pass.
 *
 * Where the part that reads an aspect did not complete (the scan was cut, a list was refused), an object without
 * a fact for that aspect keeps the previous version's value of it; an object Lanyard never saw before gets the
 * aspect listed in `unknown` instead of an empty list that would read as "none". An aspect filled only when read
 * (access) is written only for kinds whose scan declared a part for it: `[]` where that part completed.
 *
 * The hash is md5 of this jsonb's text: whatever changes the jsonb (an array's order, the `unknown` list) makes
 * every stored identity look changed at the next scan (test/store/assembled-hash.test.ts pins it).
 */
export function assembledRows(at: CommitPoint): SQL {
  const { scanId, integrationId } = at;
  const aspects = versionedAspects();
  const kindsOf = (aspect: string, complete: boolean) =>
    at.parts
      .filter((part) => part.aspect === aspect && part.complete === complete)
      .map((part) => part.kind)
      .join(',');
  const kindIn = (kinds: string) => sql`(s.identity->>'kind') = any(string_to_array(${kinds}::text, ','))`;
  // Per aspect: its staged value, whether it is carried forward and (filled only when read) whether it was read.
  const staged = aspects.map((aspect) => {
    const name = identifier(aspect.aspect);
    const read =
      aspect.presence === 'when-read'
        ? sql`,\n              ${kindIn(kindsOf(aspect.aspect, true))} as read_${name}`
        : sql``;
    return sql`${stagedValue(aspect)} as ${name},
              ${stagedValue(aspect)} is null and ${kindIn(kindsOf(aspect.aspect, false))} as carry_${name}${read}`;
  });
  const joins = stagingTables()
    .filter((table) => table !== 'scan_objects')
    .map(
      (table) =>
        sql`left join ${identifier(table)} on ${identifier(table)}.scan_id = s.scan_id and ${identifier(table)}.object_id = s.object_id`,
    );
  const carriesAny = sql.join(
    aspects.map((aspect) => sql`f.carry_${identifier(aspect.aspect)}`),
    sql` or `,
  );
  const unknownFlags = aspects.map((aspect) => {
    const name = identifier(aspect.aspect);
    // A version from before the aspect was first read has no field at all: unknown too.
    const neverRead =
      aspect.presence === 'when-read' ? sql` or not p.pdata ? ${quoted(aspect.field)}` : sql``;
    return sql`p.carry_${name} and (p.pdata is null or p.pdata->'unknown' @> ${quoted(JSON.stringify([aspect.aspect]))}${neverRead}) as unknown_${name}`;
  });
  const listed = aspects.filter((aspect) => aspect.presence === 'listed');
  const whenRead = aspects.filter((aspect) => aspect.presence === 'when-read');
  // The identity fact carries no field that only its aspect fills, nor an `unknown` of its own.
  const idata = sql.join(
    [sql`c.idata - 'unknown'`, ...whenRead.map((aspect) => quoted(aspect.field))],
    sql` - `,
  );
  // "offset 0" keeps each level a level: flattened, the previous version's subquery and the assembled jsonb
  // would be evaluated once per reference instead of once per row.
  return sql`
    select object_id, kind, app_id, display_name, data, md5(data::text) as hash
    from (
      select c.object_id, c.idata->>'kind' as kind, c.idata->>'appId' as app_id,
        c.idata->>'displayName' as display_name,
        (${idata}) || jsonb_build_object(
          ${sql.join(listed.map(listedField), sql`,\n          `)}
        )${sql.join(
          whenRead.map((aspect) => sql` || ${whenReadField(aspect)}`),
          sql``,
        )} || ${unknownAspects(aspects)} as data
      from (
        select p.*,
          ${sql.join(unknownFlags, sql`,\n          `)}
        from (
          select f.*,
            -- The previous version only for the objects that carry an aspect forward: an index probe each.
            case when ${carriesAny} then (
              select v.data from identity_versions v
              where v.integration_id = ${integrationId}::uuid and v.ended_seq is null and v.object_id = f.object_id
            ) end as pdata
          from (
            select s.object_id, s.identity as idata,
              ${sql.join(staged, sql`,\n              `)}
            from scan_objects s
            ${sql.join(joins, sql`\n            `)}
            where s.scan_id = ${scanId}::int and s.identity is not null
          ) f
          offset 0
        ) p
        offset 0
      ) c
      offset 0
    ) a`;
}

type VersionedAspect = ReturnType<typeof versionedAspects>[number];

/** Where the staged value of an aspect is read: a column of the object's row or of its own staging table. */
function stagedValue(aspect: VersionedAspect): SQL {
  const { table, column } = aspect.staging;
  return sql`${table === 'scan_objects' ? sql`s` : identifier(table)}.${identifier(column)}`;
}

/** `'field', value` of an aspect whose field every identity has from its listing. */
function listedField(aspect: VersionedAspect): SQL {
  const name = identifier(aspect.aspect);
  const field = quoted(aspect.field);
  if (aspect.merge === 'replace') {
    return sql`${field}, coalesce(c.${name}, case when c.carry_${name} then c.pdata->${field} end, c.idata->${field})`;
  }
  // Carried forward: only the aspect's own entries of the previous version; the listing brings the others.
  const previous = sql`(select jsonb_agg(e) from jsonb_array_elements(c.pdata->${field}) e
    where e->>${quoted(aspect.marked.property)} = ${quoted(aspect.marked.value)})`;
  return sql`${field}, case
            when c.${name} is not null or (c.carry_${name} and c.pdata is not null)
              then ${unionByKeySql(aspect, sql`case when c.carry_${name} then ${previous} end`, sql`c.idata->${field}`, sql`c.${name}`)}
            else c.idata->${field}
          end`;
}

/** `{field: value}`, or `{}` where the aspect was not read for the identity's kind. */
function whenReadField(aspect: VersionedAspect): SQL {
  const name = identifier(aspect.aspect);
  const field = quoted(aspect.field);
  return sql`case
          when c.${name} is not null then jsonb_build_object(${field}, c.${name})
          when c.carry_${name} then jsonb_build_object(${field}, coalesce(c.pdata->${field}, '[]'::jsonb))
          when c.read_${name} then ${quoted(JSON.stringify({ [aspect.field]: [] }))}::jsonb
          else '{}'::jsonb
        end`;
}

/** `{unknown: [...]}` in code-point order of the aspects' names, or `{}` when every aspect is known. */
function unknownAspects(aspects: readonly VersionedAspect[]): SQL {
  const names = aspects.map((aspect) => aspect.aspect).sort(compareCodePoints);
  return sql`case
          -- Built only where something is unknown: most rows take the cheap branch.
          when ${sql.join(
            names.map((name) => sql`c.unknown_${identifier(name)}`),
            sql` or `,
          )} then jsonb_build_object('unknown',
            to_jsonb(array_remove(array[
              ${sql.join(
                names.map((name) => sql`case when c.unknown_${identifier(name)} then ${quoted(name)} end`),
                sql`,\n              `,
              )}
            ]::text[], null)))
          else '{}'::jsonb
        end`;
}

/**
 * A jsonb array of the given arrays merged, one entry per key of the union-by-key rule: a later array's entry
 * wins over an earlier one's. Sorted by the rule's order in byte order, as canonical-order.ts sorts listed
 * credentials. Null arrays add nothing.
 */
export function unionByKeySql(
  rule: { key: readonly string[]; order: readonly string[] },
  ...layers: SQL[]
): SQL {
  const union = sql.join(
    layers.map((layer, rank) => sql`select e, ${rank}::int as rank from jsonb_array_elements(${layer}) e`),
    sql` union all `,
  );
  const key = sql.join(
    rule.key.map((property) => sql`u.e->>${quoted(property)}`),
    sql`, `,
  );
  const order = sql.join(
    rule.order.map((property) => sql`x.e->>${quoted(property)} collate "C"`),
    sql`, `,
  );
  return sql`(
    select coalesce(
      jsonb_agg(x.e order by ${order}),
      '[]'::jsonb)
    from (
      select distinct on (${key}) u.e
      from (${union}) u
      order by ${key}, u.rank desc
    ) x)`;
}

/**
 * A name from aspects.ts written into SQL as it is: names there are code, not input, but PostgreSQL needs the
 * same text in `distinct on` and `order by`, which parameters are not, and a slip must not become SQL.
 */
export function identifier(name: string): SQL {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL name`);
  return sql.raw(name);
}

/** A string literal from aspects.ts (a field or property name, a JSON constant), checked as identifier is. */
function quoted(text: string): SQL {
  if (!/^[\w"[\]{}:,]+$/.test(text)) throw new Error(`"${text}" is not a plain SQL literal`);
  return sql.raw(`'${text}'`);
}
