// Vespa: feed JSON lines ({"put": "id:NS:TYPE::ID", "fields": {...}}) with the vector in a
// `tensor<float>(token{})` field, written in the short form for tensors with a single mapped
// dimension ({"label": value, ...}); and a schema with that field and a dot-product rank
// profile. Feed with `vespa feed FILE`.
import type { ExportFormat, ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';
import { requireVocabulary, tokenOf } from './weights.js';

export const vespa: ExportFormat = {
  name: 'vespa',
  summary: 'feed JSON lines with a tensor<float>(token{}) field + the schema (needs --model)',
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
        return `{"put":${JSON.stringify(`id:${schema}:${schema}::${id}`)},"fields":{"doc_id":${JSON.stringify(id)},${JSON.stringify(field)}:{${cells.join(',')}}}}\n`;
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
