/** Internals that benchmarks and tests drive directly, without the HTTP layer. */
export { createDatabase, migrateToLatest } from './db/database.ts'
export { EventConsumer } from './pipeline/event-consumer.ts'
export { MediaStore } from './pipeline/media-store.ts'
