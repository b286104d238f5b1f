import type { Pagination } from '@tella/contracts'
import type { Static } from 'typebox'

/**
 * The `pagination` block every list answers, as the reference shows it for jobs: where the
 * page started, how many there are, and the offset of the next page or null after the last.
 */
export function paginationOf(
  query: { limit: number; offset: number },
  shown: number,
  total: number,
): Static<typeof Pagination> {
  const hasMore = query.offset + shown < total
  return {
    total,
    limit: query.limit,
    offset: query.offset,
    hasMore,
    nextOffset: hasMore ? query.offset + shown : null,
  }
}
