// Builders of raw safetensors bytes for tests: any header text, any data.

/** 8-byte little-endian size, the header text as UTF-8 (or raw bytes), then the data. */
export function rawSafetensors(header: string | Uint8Array, data: Uint8Array | number = 0, declaredSize?: number): Uint8Array {
  const json = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredSize ?? json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** A header JSON from tensor entries, keeping the given order and text. */
export function header(entries: Record<string, unknown>): string {
  return JSON.stringify(entries);
}
