// splade-ts/search: the embedded index (one .spladeidx file; built in bounded memory, searched
// exactly with MaxScore + block-max pruning, from an ArrayBuffer in browsers or Node), and
// nDCG@10 / MRR@10 / Recall@100 of TREC runs. Files on disk: buildIndexFile and openIndexFile
// in splade-ts/node.
export * from '../search/index.js';
