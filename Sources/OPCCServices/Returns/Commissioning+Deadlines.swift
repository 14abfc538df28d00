import OPCCCore
import OPCCStore

/// The deadline sweep and the return views: what is due, overdue, escalated or awaiting review, and a grant's history
/// across quarters.
extension Commissioning {
    /// One action the sweep recorded.
    public struct SweepEntry: Sendable, Encodable, Hashable {
        public let office: String
        /// The return's or decision record's id.
        public let subject: String
        /// "2016/17 Q2 return for cumbria-GA-0002" or "Part 1 publication of 014/2016".
        public let what: String
        /// remind, mark-overdue or escalate.
        public let action: String
        public let dueOn: String
        /// Working days until due (reminders) or late (overdue, escalations).
        public let workingDays: Int
        /// The people told, by user name.
        public let told: [String]
    }

    /// Records, for `day`, reminders for returns due within the office's reminder window and for Part 1 publications
    /// due the next working day, overdue marks, and escalations of items the office's number of working days late,
    /// each an audit event naming who was told, with the notification rules' outbox rows in the same transaction.
    /// Idempotent: what is recorded once is never recorded again, so a second run finds nothing and writes no row.
    @discardableResult
    public func sweepDeadlines(
        on day: Day? = nil, office: String? = nil, by actorName: String = "deadline-sweep"
    ) async throws -> [SweepEntry] {
        let today = day ?? clock.today()
        guard today <= clock.today() else {
            throw ServiceRefusal(
                rule: .effectiveDateNotInFuture, message: "a sweep for \(today.iso) is after today")
        }
        return try await store.write { tx in
            // Several web nodes on one PostgreSQL database each run the sweep: one takes the lease and sweeps, the
            // others find it taken and record nothing (what it records is recorded once either way).
            guard try tx.takeLease("deadline-sweep") else { return [] }
            return try tx.offices().filter { office == nil || $0.id == office }.flatMap {
                try self.sweepDeadlines(of: $0.id, on: today, by: actorName, in: tx)
            }
        }
    }

    /// What a sweep looks at for one deadline: what it is, its workflow instance, its project board (for a return)
    /// and whether it is a return's.
    private typealias DeadlineAbout = (what: String, instance: WorkflowInstance, board: [String], isReturn: Bool)

    /// One office's sweep: each action the deadline rules decide is an audit event and a recorded notice.
    private func sweepDeadlines(
        of office: String, on today: Day, by actorName: String, in tx: any StoreTransaction
    ) throws -> [SweepEntry] {
        let profile = try self.profile(of: office, in: tx)
        let people = try tx.people(office: office)
        let holders = { (role: Role, record: String?) -> [String] in
            people.filter { person in
                person.grants.contains {
                    $0.role == role && (record == nil ? $0.scope.isEmpty : $0.covers(record: record))
                }
            }.map(\.name)
        }
        let (items, described) = try deadlineItems(of: office, holders: holders, in: tx)
        let actions = DeadlineRules.sweep(
            items.sorted { ($0.dueOn, $0.id) < ($1.dueOn, $1.id) }, on: today, calendar: engine.calendar,
            profile: profile)
        var entries: [SweepEntry] = []
        for action in actions {
            guard let about = described[action.itemID] else { continue }
            var told: [String]
            switch action.kind {
            case .remind: told = about.isReturn ? about.board : holders(.officer, nil)
            case .markOverdue: told = about.board + holders(.officer, nil)
            case .escalate:
                told = about.board + holders(.officer, nil) + holders(.chiefExecutive, nil)
                if told.allSatisfy({ !holders(.chiefExecutive, nil).contains($0) }) {
                    told += holders(.commissioner, nil)
                }
            }
            told = Array(Set(told)).sorted()
            let event = try tx.append(
                AuditEventDraft(
                    office: office, instanceID: action.itemID, workflow: about.instance.workflow,
                    workflowVersion: about.instance.workflowVersion, event: "deadline-\(action.kind.rawValue)",
                    fromState: about.instance.state, toState: about.instance.state, actor: actorName, role: nil,
                    effectiveDay: today, recordedAt: clock.timestamp(),
                    payload: [
                        "due": action.dueOn.iso, "workingDays": String(action.workingDays),
                        "told": told.joined(separator: ", "),
                    ]))
            try tx.recordDeadlineNotice(
                subject: action.itemID, kind: action.kind, day: today, auditSequence: event.sequence)
            // The rules' messages, in the same transaction; a second sweep records no action, so writes none.
            try enqueue(
                notificationDrafts(
                    on: event.event, about: about.instance, occasion: today.iso,
                    extra: [.due: action.dueOn.iso, .workingDays: String(action.workingDays)], in: tx),
                in: tx)
            entries.append(
                SweepEntry(
                    office: office, subject: action.itemID, what: about.what, action: action.kind.rawValue,
                    dueOn: action.dueOn.iso, workingDays: action.workingDays, told: told))
        }
        return entries
    }

    /// Part 1 publication is reminded when it is due the next working day: its deadline is one to a few working
    /// days after the decision, so the returns' window would remind on the day of the decision itself.
    static let part1ReminderWorkingDays = 1

    /// The office's deadlines the rules look at: each return's due day, and each decision's Part 1 publication.
    private func deadlineItems(
        of office: String, holders: (Role, String?) -> [String], in tx: any StoreTransaction
    ) throws -> ([DeadlineItem], [String: DeadlineAbout]) {
        var items: [DeadlineItem] = []
        var described: [String: DeadlineAbout] = [:]
        for record in try tx.returnRecords(office: office, agreement: nil) {
            guard let instance = try tx.instance(id: record.id) else { continue }
            let notices = try tx.deadlineNotices(subject: record.id)
            items.append(
                DeadlineItem(
                    id: record.id, dueOn: record.dueOn,
                    isOutstanding: ["scheduled", "draft", "returned-for-revision"].contains(instance.state),
                    reminded: notices[.remind] != nil, markedOverdue: notices[.markOverdue] != nil,
                    escalated: notices[.escalate] != nil))
            described[record.id] = (
                (record.schedule.endOfGrant ? "end-of-grant report" : "\(record.quarter) return")
                    + " for \(record.agreementID)", instance,
                holders(.projectBoardMember, record.agreementID), true
            )
        }
        for instance in try tx.instances(office: office) where instance.workflow == "decision-request" {
            guard let record = try tx.decision(id: instance.id), let deadline = record.part1Deadline else {
                continue
            }
            let notices = try tx.deadlineNotices(subject: instance.id)
            items.append(
                DeadlineItem(
                    id: instance.id, dueOn: deadline,
                    isOutstanding: instance.state == "approved" && record.publishedOn == nil,
                    reminded: notices[.remind] != nil, markedOverdue: notices[.markOverdue] != nil,
                    escalated: notices[.escalate] != nil, reminderWorkingDays: Self.part1ReminderWorkingDays))
            described[instance.id] = ("Part 1 publication of \(record.number ?? instance.id)", instance, [], false)
        }
        return (items, described)
    }

    // MARK: Views

    /// One line of `opcc return list`.
    public struct ReturnListRow: Sendable, Encodable, Hashable {
        public let id: String
        public let office: String
        public let agreement: String
        public let recipient: String
        public let quarter: String
        public let dueOn: String
        public let state: String
        /// Outstanding and not yet past its due day.
        public let due: Bool
        /// Outstanding and past its due day.
        public let overdue: Bool
        public let reminded: Bool
        public let escalated: Bool
        public let awaitingReview: Bool
        public let version: Int?
        public let spendInQuarterPence: Int64?
        public let submittedBy: String?
    }

    /// What a list of returns is narrowed to.
    public struct ReturnFilter: Sendable {
        public enum Status: String, Sendable, CaseIterable {
            case due, overdue, escalated, awaitingReview = "awaiting-review"
        }
        public var office: String?
        public var grant: String?
        public var status: Status?

        public init(office: String? = nil, grant: String? = nil, status: Status? = nil) {
            self.office = office
            self.grant = grant
            self.status = status
        }
    }

    /// The returns `actorName` may see (a project board only its own grants'), as of `day`.
    public func returns(
        _ filter: ReturnFilter, as actorName: String, on day: Day? = nil
    ) async throws -> [ReturnListRow] {
        try await returnsPage(filter, limit: Int(Int32.max), offset: 0, as: actorName, on: day).rows
    }

    /// One page of the returns `actorName` may see, in the list's order (agreement, then quarter), and how many the
    /// whole filtered list holds. The filters, the reader's scope and the page are worked out in one query; only the
    /// page's returns are then read whole.
    public func returnsPage(
        _ filter: ReturnFilter, limit: Int = 50, offset: Int = 0, as actorName: String, on day: Day? = nil
    ) async throws -> (rows: [ReturnListRow], total: Int) {
        let today = day ?? clock.today()
        return try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            let office = filter.office ?? person.office
            // `returnAccess`, for a whole list: the office's own people in a reading role, a project board only the
            // agreements its grants name.
            let readers: [Role] = [.finance, .officer, .chiefExecutive, .commissioner, .auditor, .projectBoardMember]
            let grants = person.grants.filter { readers.contains($0.role) }
            guard person.office == office, !grants.isEmpty else { return ([], 0) }
            let scope: Set<String>? =
                grants.contains { $0.scope.isEmpty } ? nil : Set(grants.flatMap(\.scope))
            let (ids, total) = try tx.returnListPage(
                ReturnListQuery(
                    office: office, agreement: filter.grant, agreements: scope,
                    status: filter.status.flatMap { ReturnListQuery.Status(rawValue: $0.rawValue) }, today: today),
                limit: max(1, limit), offset: max(0, offset))
            var rows: [ReturnListRow] = []
            for id in ids {
                guard let record = try tx.returnRecord(id: id), let instance = try tx.instance(id: record.id),
                    let agreement = try tx.agreement(id: record.agreementID)
                else { continue }
                let notices = try tx.deadlineNotices(subject: record.id)
                let outstanding = ["scheduled", "draft", "returned-for-revision"].contains(instance.state)
                rows.append(
                    ReturnListRow(
                        id: record.id, office: record.office, agreement: record.agreementID,
                        recipient: agreement.recipient.name, quarter: record.label,
                        dueOn: record.dueOn.iso, state: instance.state, due: outstanding && today <= record.dueOn,
                        overdue: outstanding && today > record.dueOn, reminded: notices[.remind] != nil,
                        escalated: notices[.escalate] != nil, awaitingReview: instance.state == "submitted",
                        version: record.current?.number,
                        spendInQuarterPence: record.current?.content.spendInQuarter.pence,
                        submittedBy: record.current?.submittedBy))
            }
            return (rows, total)
        }
    }

    /// A return as the web list shows it: only what the list shows, read in one query.
    public struct ReturnListEntry: Sendable, Hashable {
        public let line: ReturnListLine
        /// Outstanding and past its due day.
        public let overdue: Bool
        public var awaitingReview: Bool { line.state == "submitted" }
    }

    /// One page of the returns `actorName` may see, as the web list shows them, from `offset` or after the cursor
    /// `after` (the list's order: agreement, then quarter), the whole filtered list's count, and the cursor of the
    /// page after it (nil on the last page). One query for the page (no return, version or agreement document is
    /// decoded) and one for the count, both through the office's index of returns.
    public func returnListLines(
        _ filter: ReturnFilter, limit: Int = 50, offset: Int = 0, after: ReturnListCursor? = nil, as actorName: String,
        on day: Day? = nil
    ) async throws -> (rows: [ReturnListEntry], total: Int, next: ReturnListCursor?) {
        let today = day ?? clock.today()
        return try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            let office = filter.office ?? person.office
            // `returnAccess`, for a whole list, as `returnsPage`.
            let readers: [Role] = [.finance, .officer, .chiefExecutive, .commissioner, .auditor, .projectBoardMember]
            let grants = person.grants.filter { readers.contains($0.role) }
            guard person.office == office, !grants.isEmpty else { return ([], 0, nil) }
            let scope: Set<String>? =
                grants.contains { $0.scope.isEmpty } ? nil : Set(grants.flatMap(\.scope))
            let size = max(1, limit)
            // One more than the page: whether a page follows is known without counting past it.
            let (lines, total) = try tx.returnListLines(
                ReturnListQuery(
                    office: office, agreement: filter.grant, agreements: scope,
                    status: filter.status.flatMap { ReturnListQuery.Status(rawValue: $0.rawValue) }, today: today),
                limit: size + 1, offset: max(0, offset), after: after)
            let shown = Array(lines.prefix(size))
            let outstanding: Set<String> = ["scheduled", "draft", "returned-for-revision"]
            let rows = try shown.map { line in
                let due = try Day(iso: line.dueOn)
                return ReturnListEntry(line: line, overdue: outstanding.contains(line.state) && today > due)
            }
            return (rows, total, lines.count > size ? shown.last.map(ReturnListCursor.init(after:)) : nil)
        }
    }

    /// One quarter of a grant's history: spend against profile, variances, milestones and indicators.
    public struct GrantQuarter: Sendable, Encodable, Hashable {
        public let quarter: String
        public let returnID: String
        public let state: String
        public let profiledPence: Int64
        public let spendInQuarterPence: Int64?
        public let profiledToDatePence: Int64
        public let spendToDatePence: Int64?
        /// Variance of the quarter's spend against its profile, in basis points (−2500 = 25% under).
        public let varianceBasisPoints: Int?
        public let red: Int
        public let amber: Int
        public let green: Int
        /// Indicator name → the actual reported this quarter.
        public let indicators: [String: String]
        /// Context series imported for the grant (e.g. the force's recorded crime), name → value.
        public let context: [String: Int64]
    }

    /// A grant's returns across quarters, as the accepted version (else the latest) reports them.
    public func grantHistory(_ agreementID: String, as actorName: String) async throws -> [GrantQuarter] {
        try await store.read { tx in
            guard let agreement = try tx.agreement(id: agreementID) else {
                throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(agreementID)'")
            }
            _ = try returnAccess(actorName, office: agreement.office, agreementID: agreementID, in: tx)
            let context = try tx.indicatorSeries(agreement: agreementID)
            var toDate: Int64 = 0
            return try tx.returnRecords(office: agreement.office, agreement: agreementID).map { record in
                let profiled = agreement.spendProfile.first { $0.quarter == record.quarter }?.amount.pence ?? 0
                toDate += profiled
                let version = record.accepted ?? record.current
                let content = version?.content
                let variance = content.flatMap { c in
                    ReturnRules.variances(content: c, agreement: agreement, quarter: record.quarter).first {
                        $0.basis == .quarter
                    }?.basisPoints
                }
                let rags = content?.milestones.map(\.rag) ?? []
                return GrantQuarter(
                    quarter: record.quarter.description, returnID: record.id,
                    state: try tx.instance(id: record.id)?.state ?? "unknown", profiledPence: profiled,
                    spendInQuarterPence: content?.spendInQuarter.pence, profiledToDatePence: toDate,
                    spendToDatePence: content?.spendToDate.pence, varianceBasisPoints: variance,
                    red: rags.filter { $0 == .red }.count, amber: rags.filter { $0 == .amber }.count,
                    green: rags.filter { $0 == .green }.count,
                    indicators: Dictionary(
                        (content?.indicators ?? []).map { ($0.name, $0.actual) }, uniquingKeysWith: { a, _ in a }),
                    context: Dictionary(
                        context.filter { $0.quarter == record.quarter }.map { ($0.indicator, $0.value) },
                        uniquingKeysWith: { a, _ in a }))
            }
        }
    }
}
