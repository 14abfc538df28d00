import OPCCCore
import OPCCStore

/// The writing half of notification: when an act or a sweep records an event, the rules of
/// `workflows/notifications/` for it become outbox rows, one per person told, in the same transaction. Nothing is
/// sent from here: the delivery worker reads the outbox after the transaction has committed.
extension Commissioning {
    /// The drafts `event` on `instance` causes: its rules, the record's Part 1 facts as saved in `tx`, and the
    /// people of the record's office. `occasion` is the act's audit sequence, or the sweep's day; `extra` adds what
    /// only the event knows (a sweep's working days). None for a workflow or event no rule names.
    func notificationDrafts(
        on event: String, about instance: WorkflowInstance, occasion: String,
        extra: [MessagePlaceholder: String] = [:], in tx: any StoreTransaction
    ) throws -> [NotificationDraft] {
        let book = catalog.notifications
        guard !book.rules(workflow: instance.workflow, on: event).isEmpty,
            let facts = try notificationFacts(of: instance, in: tx)
        else { return [] }
        return book.drafts(
            on: event, about: facts, people: try tx.people(office: instance.office), occasion: occasion, extra: extra)
    }

    /// Writes `drafts` to the outbox inside `tx`: the one place the services hand notifications to the store.
    func enqueue(_ drafts: [NotificationDraft], in tx: any StoreTransaction) throws {
        guard !drafts.isEmpty else { return }
        _ = try tx.enqueueNotifications(drafts, at: clock.now())
    }

    /// What a message may say of the record behind `instance`, read as saved: Part 1 of a decision (never its Part
    /// 2), a return's quarter and grant, an agreement's recipient, a carry-forward's strand and forecast. Nil for a
    /// record of another kind, or one not found.
    func notificationFacts(of instance: WorkflowInstance, in tx: any StoreTransaction) throws -> NotificationFacts? {
        let profile = try self.profile(of: instance.office, in: tx)
        var values: [MessagePlaceholder: String] = [.reference: instance.id, .office: profile.name]
        func facts(_ path: String) -> NotificationFacts {
            values[.path] = path
            return NotificationFacts(
                workflow: instance.workflow, recordID: instance.id, office: instance.office, values: values)
        }
        switch instance.workflow {
        case "decision-request":
            guard let record = try tx.decision(id: instance.id)?.withoutPart2Content else { return nil }
            return decisionFacts(record, profile: profile, base: facts("/decisions/\(instance.id)"))
        case "quarterly-return":
            guard let record = try tx.returnRecord(id: instance.id),
                let agreement = try tx.agreement(id: record.agreementID)
            else { return nil }
            values[.title] = "\(record.quarter) return for \(agreement.recipient.name)"
            values[.quarter] = record.quarter.description
            values[.grant] = agreement.id
            values[.recipient] = agreement.recipient.name
            values[.due] = record.dueOn.iso
            var made = facts("/returns/\(instance.id)")
            made.grant = agreement.id
            return made
        case "grant-agreement":
            guard let agreement = try tx.agreement(id: instance.id) else { return nil }
            values[.title] = "Grant to \(agreement.recipient.name)"
            values[.grant] = agreement.id
            values[.recipient] = agreement.recipient.name
            var made = facts("/grants/\(instance.id)")
            made.grant = agreement.id
            return made
        case "carry-forward":
            guard let request = try tx.carryForward(id: instance.id) else { return nil }
            values[.title] = "\(request.strand) \(request.year)"
            values[.amount] = request.forecast.description
            values[.recipient] = request.recipientOrgID
            var made = facts("/finance/carry-forwards")
            if let delegation = profile.carryForwardDelegation, request.forecast < delegation.below {
                made.decisionMakers = [.commissioner, delegation.role]
            }
            return made
        default:
            return nil
        }
    }

    /// A decision's facts: Part 1's number, title, amount, outcome and publication deadline; the sign-offs still
    /// missing; the Commissioner and a delegate whose delegation covers the amount.
    private func decisionFacts(
        _ record: DecisionRecord, profile: OfficeProfile, base: NotificationFacts
    ) -> NotificationFacts {
        var facts = base
        facts.values[.reference] = record.number ?? record.id
        facts.values[.title] = record.title
        facts.values[.amount] = record.amount?.description
        facts.values[.due] = record.part1Deadline?.iso
        facts.values[.outcome] = record.decision.map { $0.outcome == .approved ? "approved" : "not approved" }
        facts.originatingOfficer = record.originatingOfficer
        facts.pendingSignatories = profile.signatories.filter { s in
            !record.signOffs.contains { $0.position == s.position }
        }
        // The delegate decides what its delegation covers: no limit, no amount, or an amount within the limit.
        if let delegation = profile.decisionDelegation {
            let covered = zip(record.amount.map { [$0] } ?? [], delegation.upTo.map { [$0] } ?? []).allSatisfy {
                amount, limit in amount <= limit
            }
            if covered { facts.decisionMakers = [.commissioner, delegation.role] }
        }
        return facts
    }
}
