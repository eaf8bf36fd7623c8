/** A URL query parameter as one non-empty string, or null (absent, empty, or given twice). */
export const queryText = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
