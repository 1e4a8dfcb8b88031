/** The version of splade-ts. */
export const VERSION = '0.1.0';
