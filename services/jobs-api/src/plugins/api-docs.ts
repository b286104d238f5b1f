import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate requests and
 * shape responses, at `/docs/json`, and a browsable UI at `/docs`. Must be registered before
 * the routes it describes.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  const routes: RouteEntry[] = []
  registry.set(app, routes)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, hidden: !!route.schema?.hide })
    }
  })

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tella Imports API',
        description:
          'Import jobs that turn lectures (uploads or YouTube links) into notes with a ' +
          'transcript and a summary. Every error is `{ success: false, error, code }`; the ' +
          'codes are listed in the README.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT (HS256, user id in sub)',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })
}

export interface RouteEntry {
  method: string
  url: string
  /** Left out of the document on purpose (the documentation's own routes). */
  hidden: boolean
}

const registry = new WeakMap<FastifyInstance, RouteEntry[]>()

/** Every route the app registered after `registerApiDocs`, for checking the document. */
export function registeredRoutes(app: FastifyInstance): RouteEntry[] {
  return registry.get(app) ?? []
}
