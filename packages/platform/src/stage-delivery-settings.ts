import Type, { type Static } from 'typebox'
import { defaultStageDelivery, type StageDelivery } from './nats-topology.ts'

/**
 * The delivery settings every service reads alike: jobs-api and the workers all declare the
 * consumers, and must agree, or each start would flip the other's configuration.
 */
export const StageDeliverySettings = Type.Object({
  STAGE_ACK_WAIT_MS: Type.Integer({ minimum: 3_000, default: defaultStageDelivery.ackWaitMs }),
  STAGE_MAX_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 20,
    default: defaultStageDelivery.maxAttempts,
  }),
})
export type StageDeliverySettings = Static<typeof StageDeliverySettings>

export function stageDeliveryFrom(settings: StageDeliverySettings): StageDelivery {
  return { ackWaitMs: settings.STAGE_ACK_WAIT_MS, maxAttempts: settings.STAGE_MAX_ATTEMPTS }
}
