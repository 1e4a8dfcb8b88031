// Vespa: feed JSON lines ({"put": "id:NS:TYPE::ID", "fields": {...}}) with the vector in a
// `tensor<float>(token{})` field, written as {"cells": {"label": value, ...}} (the object form
// of cells for a tensor with a single mapped dimension); and a schema with that field and a
// dot-product rank profile. Feed with `vespa feed FILE`.
import { ExportError, type ExportFormat, type ExportRecord, type ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';
import { requireVocabulary, tokenOf } from './weights.js';

/** IdString.MAX_LENGTH: the whole document id, in UTF-16 units (Java's String.length). */
const MAX_ID_LENGTH = 0x10000;

/**
 * Whether Vespa's com.yahoo.text.Text.isTextCharacter takes the code point: no C0 control
 * but tab, line feed and carriage return, no noncharacter (U+FDD0..U+FDDF, U+xFFFE, U+xFFFF),
 * and (Text.validateTextString) no lone surrogate.
 */
function isVespaText(codePoint: number): boolean {
  if (codePoint < 0x20) return codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
  if (codePoint >= 0xfdd0 && codePoint <= 0xfddf) return false;
  return (codePoint & 0xfffe) !== 0xfffe;
}

/**
 * The document id `id:SCHEMA:SCHEMA::ID`, refused as Vespa's IdString.createIdString refuses
 * it (the documentation: "may only contain text characters"), so that a feed never stops on one
 * document halfway through.
 */
function documentId(schema: string, id: string, record: ExportRecord): string {
  for (const char of id) {
    const codePoint = char.codePointAt(0)!;
    if (!isVespaText(codePoint)) {
      throw new ExportError(`${record.where}: the id holds the code point 0x${codePoint.toString(16).toUpperCase()}, which a Vespa document id cannot hold`);
    }
  }
  const documentId = `id:${schema}:${schema}::${id}`;
  if (documentId.length > MAX_ID_LENGTH) {
    throw new ExportError(`${record.where}: the document id id:${schema}:${schema}::... is ${documentId.length} UTF-16 units long; Vespa takes at most ${MAX_ID_LENGTH}`);
  }
  return documentId;
}

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
        return `{"put":${JSON.stringify(documentId(schema, id, record))},"fields":{"doc_id":${JSON.stringify(id)},${JSON.stringify(field)}:{"cells":{${cells.join(',')}}}}}\n`;
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
