/**
 * The /api/docs page: a static shell with no part of the API in it. Its script loads
 * /api/openapi.json with the console's session token (kept by the console in localStorage, same
 * origin), so an operator signed in to the console sees the docs and "Try it out" calls carry the
 * same token; anyone else is told to sign in. The token never goes in a URL.
 */
export const DOCS_ASSETS_PATH = '/api/docs/assets';

export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Loop Gateway API</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css" />
    <style>
      body { margin: 0; font-family: system-ui, sans-serif; }
      #docs-message { max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
      #docs-message[hidden] { display: none; }
    </style>
  </head>
  <body>
    <div id="docs-message" data-testid="docs-message" hidden></div>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="/api/docs/docs.js"></script>
  </body>
</html>
`;

export const DOCS_JS = `(async () => {
  const message = document.getElementById('docs-message');
  const show = (html) => {
    message.innerHTML = html;
    message.hidden = false;
  };
  let token = null;
  try {
    token = JSON.parse(localStorage.getItem('lg.session') || 'null')?.token ?? null;
  } catch {
    token = null;
  }
  const withToken = (headers) => (token && !headers.Authorization ? { ...headers, Authorization: 'Bearer ' + token } : headers);
  let response;
  try {
    response = await fetch('/api/openapi.json', { headers: withToken({}) });
  } catch {
    show('<h1>Loop Gateway API</h1><p>The gateway could not be reached. Reload the page to try again.</p>');
    return;
  }
  if (response.status === 401) {
    show(
      '<h1>Loop Gateway API</h1><p>The API documentation is for signed-in operators. ' +
        '<a href="/login">Sign in to the console</a> in this browser, then reload this page.</p>',
    );
    return;
  }
  if (!response.ok) {
    show('<h1>Loop Gateway API</h1><p>The API document could not be loaded (HTTP ' + response.status + ').</p>');
    return;
  }
  SwaggerUIBundle({
    spec: await response.json(),
    dom_id: '#swagger-ui',
    deepLinking: true,
    requestInterceptor: (request) => {
      request.headers = withToken(request.headers || {});
      return request;
    },
  });
})();
`;
