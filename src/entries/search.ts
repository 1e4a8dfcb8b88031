// splade-ts/search: the embedded index (one .spladeidx file; built in bounded memory, searched
// exactly with MaxScore + block-max pruning, from an ArrayBuffer in browsers or Node), and
// trec_eval's measures of TREC runs (nDCG, MAP, MRR, recall, ...). Files on disk: buildIndexFile and openIndexFile
// in splade-ts/node.
export * from '../search/index.js';
