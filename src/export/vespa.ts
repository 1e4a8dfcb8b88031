// Vespa: feed JSON lines ({"put": "id:NS:TYPE::ID", "fields": {...}}) with the vector in a
// `tensor<float>(token{})` field, written as {"cells": {"label": value, ...}} (the object form
// of cells for a tensor with a single mapped dimension); and a schema with that field and a
// dot-product rank profile. Feed with `vespa feed FILE`.
import type { ExportFormat, ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';
import { requireVocabulary, tokenOf } from './weights.js';

export const vespa: ExportFormat = {
  name: 'vespa',
  summary: 'feed JSON lines with a tensor<float>(token{}) field (its cells by token) + the schema (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const schema = checkIdentifier(options.name ?? 'splade', 'schema name');
    const field = checkIdentifier(options.field ?? 'splade', 'field name');
    const vocabulary = requireVocabulary(options.vocabulary, 'vespa');
    return {
      header: () => '',
      add(record) {
        const { indices, values } = record.vector;
        const cells: string[] = [];
        for (let k = 0; k < indices.length; k++) {
          if (values[k] !== 0) cells.push(`${JSON.stringify(tokenOf(vocabulary, indices[k], record))}:${float32Text(values[k])}`);
        }
        const id = String(record.id);
        // Not the bare {"label": value} form: Vespa's TensorReader.fillTensor (document/src/main/
        // java/com/yahoo/document/json/readers/TensorReader.java) looks at the first key, and a
        // first label "blocks" (a BERT token) is read as the "blocks" form and refused. Under
        // "cells" every label is a label.
        return `{"put":${JSON.stringify(`id:${schema}:${schema}::${id}`)},"fields":{"doc_id":${JSON.stringify(id)},${JSON.stringify(field)}:{"cells":{${cells.join(',')}}}}}\n`;
      },
      finish: () => '',
    };
  },
  setup(options) {
    const schema = checkIdentifier(options.name ?? 'splade', 'schema name');
    const field = checkIdentifier(options.field ?? 'splade', 'field name');
    return {
      suffix: 'sd',
      content: [
        `schema ${schema} {`,
        `    document ${schema} {`,
        '        field doc_id type string {',
        '            indexing: summary | attribute',
        '        }',
        `        field ${field} type tensor<float>(token{}) {`,
        '            indexing: summary | attribute',
        '        }',
        '    }',
        `    rank-profile ${field} {`,
        '        inputs {',
        '            query(q) tensor<float>(token{})',
        '        }',
        '        first-phase {',
        `            expression: sum(query(q) * attribute(${field}))`,
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
      use: `put it in your application package as schemas/${schema}.sd, deploy, then vespa feed the data file`,
    };
  },
};
