import t from 'tap'
import { registeredRoutes } from '../src/plugins/api-docs.ts'
import { startApi } from './support.ts'

t.test(
  'the OpenAPI document has every route, its error bodies and the bearer scheme',
  async (t) => {
    const api = await startApi()
    t.teardown(() => api.close())

    const answer = await api.request('GET', '/docs/json')
    t.equal(answer.status, 200)
    const document = answer.body
    t.match(document.openapi, /^3\./)
    t.same(document.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT (HS256, user id in sub)',
    })

    const routes = registeredRoutes(api.app).filter((route) => !route.hidden)
    t.ok(routes.length >= 12, `${routes.length} routes registered`)
    for (const { method, url } of routes) {
      const path = url.replace(/:([A-Za-z]+)/gu, '{$1}')
      const operation = document.paths[path]?.[method.toLowerCase()]
      t.ok(operation, `${method} ${url} is in the document`)
      if (!operation || !url.startsWith('/api/')) continue
      const error = operation.responses['401']?.content?.['application/json']?.schema
      t.same(
        error?.required?.sort(),
        ['code', 'error', 'success'],
        `${method} ${url} documents 401`,
      )
      // Every /api route reads Postgres (uploads NATS too), so every one can answer 503.
      t.ok(operation.responses['503'], `${method} ${url} documents 503`)
    }

    const ui = await api.request('GET', '/docs')
    t.ok([200, 302].includes(ui.status), 'the browsable UI is served')
  },
)
