/** dt's version, printed by `dt --version`: the one source (scripts/version.ts copies it). */
export const VERSION = "0.1.0";
