/** dt's version, printed by `dt --version`. */
export const VERSION = "0.1.0";
