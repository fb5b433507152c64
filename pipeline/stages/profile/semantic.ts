import type { SemanticType } from './schema.ts';

export interface SemanticFacts {
  name: string;
  physicalType: string;
  rows: number;
  nonNull: number;
  distinct: number;
  isNumeric: boolean;
  isInteger: boolean;
  isDatetime: boolean;
  min: number | string | null;
  max: number | string | null;
  avgLength: number | null;
  /** Fraction of non-null text values holding a space. */
  spacedFraction: number | null;
  /** Distinct values when few (for boolean detection), else null. */
  smallDomain: string[] | null;
}

const booleanDomains = [
  ['0', '1'],
  ['false', 'true'],
  ['no', 'yes'],
  ['n', 'y'],
  ['f', 't'],
];

const idName =
  /(^|[^a-z])(id|ids|key|uuid|guid|index|idx|no|number|num)$|^unnamed: ?\d+$|^(id|index)([^a-z]|$)/i;

/** The role a column plays, from its statistics; first matching rule wins. */
export function semanticType(facts: SemanticFacts): SemanticType {
  if (facts.distinct <= 1) return 'constant';
  if (facts.physicalType === 'BOOLEAN') return 'boolean';
  if (facts.distinct === 2 && facts.smallDomain && isBooleanDomain(facts.smallDomain)) return 'boolean';
  if (facts.isDatetime) return 'datetime';
  const allDistinct = facts.distinct >= facts.nonNull && facts.nonNull === facts.rows && facts.rows >= 20;
  if (facts.isNumeric) {
    if (facts.isInteger && allDistinct && (idName.test(facts.name) || isConsecutive(facts))) return 'id_like';
    return 'numeric';
  }
  if (facts.physicalType !== 'VARCHAR') return 'categorical';
  const uniqueRatio = facts.nonNull === 0 ? 0 : facts.distinct / facts.nonNull;
  const spaced = facts.spacedFraction ?? 0;
  if (uniqueRatio >= 0.95 && facts.rows >= 20 && spaced < 0.05 && (facts.avgLength ?? 0) <= 64)
    return 'id_like';
  if ((facts.avgLength ?? 0) >= 50 || (uniqueRatio > 0.5 && spaced >= 0.5)) return 'text';
  return 'categorical';
}

function isBooleanDomain(values: string[]): boolean {
  const key = values.map((v) => v.trim().toLowerCase()).sort();
  return booleanDomains.some(([a, b]) => key[0] === a && key[1] === b);
}

function isConsecutive(facts: SemanticFacts): boolean {
  return (
    typeof facts.min === 'number' &&
    typeof facts.max === 'number' &&
    facts.max - facts.min + 1 === facts.distinct
  );
}
