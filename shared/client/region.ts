/**
 * Supabase regions, as the `x-region` header names them (`eu-central-1`, `ap-southeast-2`): only the
 * shape is checked, so a region Supabase adds later works without a new release.
 */
export function isRegionName(text: string): boolean {
  return /^[a-z]{2}-[a-z]+-[0-9]{1,2}$/.test(text);
}
