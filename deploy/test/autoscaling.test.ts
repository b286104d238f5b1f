import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject'
import { consumers, type Stage, streams } from '@tella/contracts'
import t from 'tap'
import { ofKind, overlay, overlayNames } from '../validation/overlays.ts'
import { natsJetStreamTriggerPolicy, policyProblems } from '../validation/policies.ts'
import { workerNames } from '../validation/service-settings.ts'

const stageOf: Record<(typeof workerNames)[number], Stage> = {
  downloader: 'download',
  transcriber: 'transcribe',
  summarizer: 'summarize',
}

for (const name of overlayNames) {
  const scaledObjects = ofKind<IScaledObject>(overlay(name).objects, 'ScaledObject')

  t.test(`${name}: each worker, and only the workers, scales with a ScaledObject`, async (t) => {
    const targets = scaledObjects.map((scaledObject) => scaledObject.spec?.scaleTargetRef.name)
    t.same(targets.sort(), [...workerNames].sort())
    for (const scaledObject of scaledObjects) {
      const target = scaledObject.spec?.scaleTargetRef
      t.equal(target?.kind ?? 'Deployment', 'Deployment', `${target?.name}: a Deployment`)
    }
  })

  t.test(`${name}: each trigger reads the backlog of its stage's durable consumer`, async (t) => {
    for (const scaledObject of scaledObjects) {
      const worker = scaledObject.spec?.scaleTargetRef.name as keyof typeof stageOf
      const triggers = scaledObject.spec?.triggers ?? []
      t.equal(triggers.length, 1, `${worker}: one trigger`)
      for (const trigger of triggers) {
        const id = `ScaledObject/${worker}/trigger`
        t.same(policyProblems(natsJetStreamTriggerPolicy, trigger, id), [], id)
        t.match(trigger.metadata, {
          stream: streams.commands,
          consumer: consumers.worker(stageOf[worker]),
          // The NATS Helm release's monitoring port; no account is configured there.
          natsServerMonitoringEndpoint: /:8222$/,
          account: '$G',
        })
      }
    }
  })

  t.test(`${name}: replica bounds leave one warm replica and fall back safely`, async (t) => {
    for (const scaledObject of scaledObjects) {
      const spec = scaledObject.spec
      const worker = spec?.scaleTargetRef.name
      const min = spec?.minReplicaCount ?? 0
      const max = spec?.maxReplicaCount ?? 100
      t.ok(min >= 1, `${worker}: no cold start for the first job`)
      t.ok(min <= max, `${worker}: ${min} ≤ ${max}`)
      const fallback = spec?.fallback?.replicas ?? 0
      t.ok(fallback >= min && fallback <= max, `${worker}: fallback within bounds`)
      const scaleDown = spec?.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown
      t.ok((scaleDown?.stabilizationWindowSeconds ?? 0) >= 300, `${worker}: scales down slowly`)
    }
  })
}
