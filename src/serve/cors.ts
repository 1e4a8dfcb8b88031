// Requests from web pages of other origins, answered as TEI's CorsLayer answers them (methods
// GET and POST, the content-type header) for the origins the server is given (`*`: any).
// TEI allows any origin when given none; here none is allowed unless given, since /search
// would otherwise let any page a user visits read the served corpus' document ids.

/** The origins allowed, as given (`--cors-allow-origin`); empty: no cross-origin request. */
export type AllowedOrigins = readonly string[];

/** The CORS headers of a response to `request`, when it comes from an allowed origin. */
export function corsHeaders(request: Request, allowed: AllowedOrigins): Record<string, string> | undefined {
  const origin = request.headers.get('origin');
  if (origin === null || allowed.length === 0) return undefined;
  if (allowed.includes('*')) return { 'access-control-allow-origin': '*' };
  // The answer depends on the Origin header: caches must keep one answer per origin.
  return allowed.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : undefined;
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin; else undefined. */
export function preflight(request: Request, allowed: AllowedOrigins): Response | undefined {
  if (request.method !== 'OPTIONS' || !request.headers.has('access-control-request-method')) return undefined;
  const headers = corsHeaders(request, allowed);
  if (!headers) return undefined;
  return new Response(null, {
    status: 200,
    headers: { ...headers, 'access-control-allow-methods': 'GET,POST', 'access-control-allow-headers': 'content-type' },
  });
}
