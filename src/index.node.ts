// The Node entry: everything of the browser-safe API plus file-system loading.
export * from './index.js';
