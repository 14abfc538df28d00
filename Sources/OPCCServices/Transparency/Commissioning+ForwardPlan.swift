import OPCCCore
import OPCCStore

/// The forward plan of key decisions (profile key `forwardPlan:`) and the Police and Crime Panel report.
extension Commissioning {
    /// One entry of an office's forward plan as the public reads it: no Part 2, nothing but what the plan announces.
    public struct ForwardPlanItem: Hashable, Sendable {
        public var id: String
        public var number: String?
        public var title: String
        public var amount: Money?
        /// Why it is key ("above £100,000", "of significant public interest").
        public var keyBecause: [String]
        public var listedOn: Day
        public var expectedOn: Day
        /// The earliest day it may be taken with the plan's notice.
        public var earliestOn: Day
        /// Who is expected to decide: the Commissioner, or the delegate the profile names when within its limit.
        public var decisionMaker: String
    }

    /// An office's forward plan: the policy and its key decisions still to be taken, by expected day.
    public struct ForwardPlan: Hashable, Sendable {
        public var office: StoredOffice
        public var policy: ForwardPlanPolicy
        public var items: [ForwardPlanItem]
    }

    /// Checks a decision about to be taken on `day` against the forward plan's notice: a key decision (by the
    /// office's profile) must have been listed `noticeClearDays` clear days before. Without that notice it is
    /// refused (`forward-plan-notice`) unless a reason of urgency is given, which is recorded and flagged as an
    /// exception on the record; an import's historic decision is flagged without one.
    func checkForwardPlanNotice(
        _ record: inout DecisionRecord, decidedOn day: Day, urgency: String?, historic: Bool,
        in tx: any StoreTransaction
    ) throws {
        guard let plan = try profile(of: record.office, in: tx).forwardPlan else { return }
        let reasons = plan.keyReasons(
            amount: record.amount, significantPublicInterest: record.significantPublicInterest)
        guard !reasons.isEmpty, !plan.noticeGiven(listedOn: record.forwardPlan?.listedOn, decidedOn: day) else {
            return
        }
        let given =
            record.forwardPlan.map {
                "listed on the forward plan on \($0.listedOn.iso), "
                    + "\(ForwardPlanPolicy.clearDays(from: $0.listedOn, to: day)) clear days before"
            } ?? "never listed on the forward plan"
        let message =
            "key decision (\(reasons.joined(separator: ", "))) taken on \(day.iso) without "
            + "\(plan.noticeClearDays) clear days' notice: \(given)"
        if let urgency, !urgency.isBlank {
            record.urgencyReason = urgency
            record.exceptions.append(
                FlaggedException(
                    rule: ServiceRefusal.Rule.forwardPlanNotice.rawValue,
                    message: message + "; reason of urgency: \(urgency)", act: "decide", day: day))
        } else if historic {
            record.exceptions.append(
                FlaggedException(
                    rule: ServiceRefusal.Rule.forwardPlanNotice.rawValue, message: message, act: "decide", day: day))
        } else {
            throw ServiceRefusal(
                rule: .forwardPlanNotice,
                message: message + ". Record a reason of urgency with the decision (--urgency), or list it and wait")
        }
    }

    /// Lists a key decision on its office's forward plan, expected to be taken on `expectedOn`: an audited act
    /// (`forward-plan`, state unchanged) by the officer or chief executive. The notice counts from the day it is
    /// first listed (`day`, default today); listing it again changes only the expected day.
    @discardableResult
    public func listOnForwardPlan(
        _ reference: String, office: String? = nil, expectedOn: Day, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        let id = try await decisionID(reference, office: office)
        var request = ActRequest(
            "forward-plan", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
            payload: ["expectedOn": expectedOn.iso])
        request.edit = Edit { instance, _, person, effective in
            let roles = person.actor.roles(covering: instance.id)
            guard let role = [Role.officer, .chiefExecutive].first(where: roles.contains) else {
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired,
                    message: "listing on the forward plan needs the officer or chief-executive role")
            }
            guard ["draft", "awaiting-sign-offs", "with-decision-maker"].contains(instance.state) else {
                throw ServiceRefusal(
                    rule: .forwardPlanBeforeDecision,
                    message: "the record is \(instance.state): only a decision still to be taken goes on the plan")
            }
            guard expectedOn >= effective else {
                throw ServiceRefusal(
                    rule: .forwardPlanBeforeDecision,
                    message: "expectedOn: \(expectedOn.iso) is before the day it is listed (\(effective.iso))")
            }
            return role
        }
        return try await store.write { [request] tx in
            let acted = try runInside(
                request, on: decisionKind(noDecision(reference, office: office)), in: tx, logged: false
            ) { record, _, listedOn, tx in
                let profile = try self.profile(of: record.office, in: tx)
                guard let plan = profile.forwardPlan else {
                    throw ServiceRefusal(
                        rule: .forwardPlanOn,
                        message: "\(profile.name) publishes no forward plan: its profile has no forwardPlan key")
                }
                guard plan.isKey(record) else {
                    throw ServiceRefusal(
                        rule: .forwardPlanKeyDecisionsOnly,
                        message: "record \(record.number ?? record.id) is not a key decision: "
                            + ForwardPlanPolicy.describe(plan))
                }
                let first = record.forwardPlan?.listedOn ?? listedOn
                record.forwardPlan = ForwardPlanEntry(listedOn: first, expectedOn: expectedOn)
                return ["listedOn": first.iso]
            }
            return DecisionView(
                record: acted.record!.withoutPart2Content, status: acted.fired.instance.state,
                version: acted.fired.instance.version)
        }
    }

    /// An office's public forward plan: its key decisions listed and still to be taken, by expected day. Nil when
    /// the office publishes none; refused as `known-office` when there is no such office.
    public func forwardPlan(office id: String) async throws -> ForwardPlan? {
        try await store.read { tx in
            guard let office = try tx.office(id: id) else {
                throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(id)' in this database")
            }
            let profile = try profile(of: id, in: tx)
            guard let plan = profile.forwardPlan else { return nil }
            var filter = DecisionFilter()
            filter.office = id
            filter.onForwardPlan = true
            let pending: Set<String> = ["draft", "awaiting-sign-offs", "with-decision-maker"]
            let items = try tx.decisionRegister(filter).filter { pending.contains($0.status) }.compactMap { row in
                try tx.decision(id: row.id).map(\.withoutPart2Content).flatMap { record -> ForwardPlanItem? in
                    guard let entry = record.forwardPlan else { return nil }
                    let delegate = profile.decisionDelegation.flatMap { d -> String? in
                        guard let amount = record.amount, amount.pence <= (d.upTo?.pence ?? Int64.max) else {
                            return nil
                        }
                        return Self.roleTitle(d.role)
                    }
                    return ForwardPlanItem(
                        id: record.id, number: record.number, title: record.title, amount: record.amount,
                        keyBecause: plan.keyReasons(
                            amount: record.amount, significantPublicInterest: record.significantPublicInterest),
                        listedOn: entry.listedOn, expectedOn: entry.expectedOn,
                        earliestOn: plan.earliestDecisionDay(listedOn: entry.listedOn),
                        decisionMaker: delegate ?? "Police and Crime Commissioner")
                }
            }
            return ForwardPlan(
                office: office, policy: plan,
                items: items.sorted {
                    ($0.expectedOn, $0.listedOn.iso, $0.id) < ($1.expectedOn, $1.listedOn.iso, $1.id)
                })
        }
    }

    static func roleTitle(_ role: Role) -> String {
        switch role {
        case .chiefExecutive: "Chief Executive"
        case .finance: "Chief Finance Officer"
        default:
            role.rawValue.prefix(1).uppercased() + role.rawValue.dropFirst().replacingOccurrences(of: "-", with: " ")
        }
    }

    /// The Police and Crime Panel report of `office` for the days `from` to `to` (both included): for the office's
    /// own staff and auditors, never the public. Part 1 only.
    public func panelReport(office id: String, from: Day, to: Day, by actorName: String) async throws -> PanelReport {
        guard from <= to else {
            throw ServiceRefusal(
                rule: .reportPeriodInOrder,
                message: "from: \(from.iso) is after to: \(to.iso); give the first day first")
        }
        return try await store.read { tx in
            guard let office = try tx.office(id: id) else {
                throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(id)' in this database")
            }
            let person = try actor(named: actorName, in: tx)
            let roles = person.actor.roles(covering: nil)
            guard person.office == id, !roles.subtracting([.public, .projectBoardMember]).isEmpty else {
                throw ServiceRefusal.forbidden(
                    rule: .ownOffice, message: "the Panel report of \(office.name) is for its own staff")
            }
            var filter = DecisionFilter()
            filter.office = id
            filter.activeBetween = from...to
            let records = try tx.decisionRegister(filter).compactMap { row in
                try tx.decision(id: row.id).map { (record: $0.withoutPart2Content, status: row.status) }
            }
            let allocations = try tx.allocations(office: id).map(\.allocation)
            return PanelReport.make(
                office: id, officeName: office.name, from: from, to: to, records: records, allocations: allocations)
        }
    }
}

extension ForwardPlanPolicy {
    /// What the office's plan holds to be key, in words.
    static func describe(_ plan: ForwardPlanPolicy) -> String {
        var parts: [String] = []
        if let above = plan.keyDecisionAbove { parts.append("above \(above)") }
        if plan.significantPublicInterestIsKey { parts.append("of significant public interest") }
        return "the office's key decisions are those " + parts.joined(separator: " or ")
    }
}
