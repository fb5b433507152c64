/**
 * UTF-16 code-unit order for strings (JavaScript's `<`), which differs from code-point order
 * only for characters beyond U+FFFF against U+E000..U+FFFF. Never String#localeCompare in
 * anything written to disk: it sorts by the process's locale (LANG/LC_ALL), so the same inputs
 * would give different files on different machines (Danish sorts "aa" after "z", Czech "ch"
 * after "h").
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
