/** Package version, kept in step with package.json (no JSON import: the CJS build shares sources). */
export const VERSION = '0.1.0';
