import OPCCCore
import OPCCStore

/// Reading the office's money for the finance screens: budgets by year and strand, the reconciliation, allocations,
/// grant agreements and carry-forwards. The office's own officers, finance, chief executive, Commissioner and auditors
/// read them; a project board sees only its own grant.
extension Commissioning {
    /// The roles that read an office's finance.
    public static let financeReaders: [Role] = [.finance, .officer, .chiefExecutive, .commissioner, .auditor]

    /// The office whose finance the person reads, or a refusal.
    func financeOffice(_ actorName: String, in tx: any StoreTransaction) throws -> String {
        let person = try actor(named: actorName, in: tx)
        guard !Set(person.actor.roles(covering: nil)).isDisjoint(with: Self.financeReaders) else {
            throw ServiceRefusal.forbidden(
                rule: .financeReaders,
                message: "\(actorName) may not see the office's finance: its officers, finance, chief executive, "
                    + "Commissioner and auditors may")
        }
        return person.office
    }

    /// One grant agreement as the lists show it.
    public struct AgreementRow: Sendable {
        public let agreement: GrantAgreement
        public let state: String
        public let decisionNumber: String?
        public let paid: Money
    }

    /// One carry-forward request with its state and the decision giving permission.
    public struct CarryForwardRow: Sendable {
        public let request: CarryForwardRequest
        public let state: String
        public let decisionNumber: String?
    }

    /// The office's finance for one year: strands, reconciliation rows, allocations, agreements, carry-forwards.
    public struct FinanceOverview: Sendable {
        public let office: String
        /// Every year with a budget strand or an allocation, oldest first.
        public let years: [FinancialYear]
        /// The year shown (the one asked for, else the latest); nil when the office has no money yet.
        public let year: FinancialYear?
        public let strands: [BudgetStrand]
        public let reconciliation: [ReconciliationRow]
        /// The year's allocations whose postings stand (not reversed).
        public let allocations: [Allocation]
        /// The agreements that pay out an allocation of the year shown.
        public let agreements: [AgreementRow]
        public let carryForwards: [CarryForwardRow]
        /// The decisions the allocations cite, by record id: their numbers.
        public let decisionNumbers: [String: String]
    }

    public func financeOverview(as actorName: String, year: FinancialYear? = nil) async throws -> FinanceOverview {
        let (office, years, shown, strands, allocations, agreements, carryForwards, numbers) = try await store.read {
            tx -> (
                String, [FinancialYear], FinancialYear?, [BudgetStrand], [Allocation], [AgreementRow],
                [CarryForwardRow], [String: String]
            ) in
            let office = try financeOffice(actorName, in: tx)
            // One year's money, read through the year's indexes: the office's other years are never loaded.
            let years = try tx.financeYears(office: office)
            guard let shown = year ?? years.last else { return (office, years, nil, [], [], [], [], [:]) }
            let strands = try tx.strands(office: office, year: shown)
            let allocations = try tx.liveAllocations(office: office, year: shown).map(\.allocation)
            var numbers: [String: String] = [:]
            func number(_ id: String?) throws -> String? {
                guard let id else { return nil }
                if let known = numbers[id] { return known }
                let found = try tx.decision(id: id)?.number
                numbers[id] = found
                return found
            }
            for a in allocations { _ = try number(a.decisionID) }
            let agreements = try tx.agreements(office: office, allocationYear: shown).map { a in
                AgreementRow(
                    agreement: a, state: try tx.instance(id: a.id)?.state ?? "unknown",
                    decisionNumber: try number(a.decisionID),
                    paid: try Money.sum(a.payments.filter { $0.paidOn != nil }.map(\.amount)))
            }
            let carryForwards = try tx.instances(office: office, workflow: "carry-forward").compactMap {
                instance -> CarryForwardRow? in
                guard let request = try tx.carryForward(id: instance.id) else { return nil }
                return CarryForwardRow(
                    request: request, state: instance.state, decisionNumber: try number(request.decisionID))
            }.sorted { $0.request.id < $1.request.id }
            return (office, years, shown, strands, allocations, agreements, carryForwards, numbers)
        }
        var rows: [ReconciliationRow] = []
        if let shown { rows = try await reconciliation(year: shown, office: office) }
        return FinanceOverview(
            office: office, years: years, year: shown, strands: strands, reconciliation: rows,
            allocations: allocations, agreements: agreements, carryForwards: carryForwards, decisionNumbers: numbers)
    }

    /// What the finance page of one office and year shows: the years, the strands and the reconciliation, with the
    /// names of the year's recipients. Nothing else of the year is read (no agreement's terms, no carry-forward).
    public struct FinanceYearView: Sendable {
        public let office: String
        /// Every year with a budget strand or an allocation, oldest first.
        public let years: [FinancialYear]
        /// The year shown (the one asked for, else the latest); nil when the office has no money yet.
        public let year: FinancialYear?
        public let strands: [BudgetStrand]
        /// The year's reconciliation, strand lines and recipient lines, in the reconciliation's order.
        public let reconciliation: [ReconciliationRow]
        /// The recipients of the year's live allocations: organisation id → name.
        public let recipientNames: [String: String]
    }

    /// The finance page's view of one year (as `financeOverview`, without the lists the page does not show).
    public func financeYearView(as actorName: String, year: FinancialYear? = nil) async throws -> FinanceYearView {
        let (office, years, shown, strands, names) = try await store.read {
            tx -> (String, [FinancialYear], FinancialYear?, [BudgetStrand], [String: String]) in
            let office = try financeOffice(actorName, in: tx)
            let years = try tx.financeYears(office: office)
            guard let shown = year ?? years.last else { return (office, years, nil, [], [:]) }
            return (
                office, years, shown, try tx.strands(office: office, year: shown),
                try tx.liveRecipientNames(office: office, year: shown)
            )
        }
        var rows: [ReconciliationRow] = []
        if let shown { rows = try await reconciliation(year: shown, office: office) }
        return FinanceYearView(
            office: office, years: years, year: shown, strands: strands, reconciliation: rows, recipientNames: names)
    }

    /// Where a page of a year's reconciliation lines starts: at a line's position, or after the line of a strand
    /// and recipient (a strand's own line is the strand with an empty recipient).
    public enum FinanceLinesStart: Sendable, Hashable {
        case offset(Int)
        case after(strand: String, recipient: String)
    }

    /// What the finance page of one office and year shows, and only that: the years, the strands and their lines
    /// (the chart and the strands' table), one page of the reconciliation's lines, how many lines the year has,
    /// and the names of the page's recipients alone.
    public struct FinanceYearPage: Sendable {
        public let office: String
        /// Every year with a budget strand or an allocation, oldest first.
        public let years: [FinancialYear]
        /// The year shown (the one asked for, else the latest); nil when the office has no money yet.
        public let year: FinancialYear?
        public let strands: [BudgetStrand]
        /// Every strand's own line of the year's reconciliation, in order.
        public let strandLines: [ReconciliationRow]
        /// The page's lines (strand and recipient lines, in the reconciliation's order).
        public let lines: [ReconciliationRow]
        /// The position of the page's first line among the year's lines, and how many lines the year has.
        public let start: Int
        public let total: Int
        /// The names of the page's recipients (of the year's live allocations): organisation id → name.
        public let recipientNames: [String: String]
    }

    /// The finance page's view of one year and one page of its lines (`limit` lines from `start`), read in one
    /// transaction: the office's year from the balances and committed caches (`ReconciliationYear`, the office's
    /// rows alone), only the page's lines and the strands' lines made into rows, only the page's recipients' names
    /// read.
    public func financeYearPage(
        as actorName: String, year: FinancialYear? = nil, from start: FinanceLinesStart = .offset(0), limit: Int
    ) async throws -> FinanceYearPage {
        try await store.read { tx in
            let office = try financeOffice(actorName, in: tx)
            let years = try tx.financeYears(office: office)
            guard let shown = year ?? years.last else {
                return FinanceYearPage(
                    office: office, years: years, year: nil, strands: [], strandLines: [], lines: [], start: 0,
                    total: 0, recipientNames: [:])
            }
            let year = try keptReconciliationYear(shown, office: office, in: tx)
            let (entries, names) = (year.entries, year.recipientNames)
            let first: Int
            switch start {
            case .offset(let offset): first = min(max(offset, 0), entries.count)
            case .after(let strand, let recipient):
                first =
                    entries.firstIndex {
                        ($0.line.strand ?? "", $0.line.recipient ?? "") > (strand, recipient)
                    } ?? entries.count
            }
            let page = entries[first..<min(first + max(limit, 0), entries.count)]
            let recipients = Set(page.compactMap(\.line.recipient))
            return FinanceYearPage(
                office: office, years: years, year: shown, strands: try tx.strands(office: office, year: shown),
                strandLines: try Self.reconciliationRows(entries.filter { $0.line.recipient == nil }),
                lines: try Self.reconciliationRows(Array(page)), start: first, total: entries.count,
                recipientNames: names.filter { recipients.contains($0.key) })
        }
    }

    /// The lines of an office's year (`reconciliationYear(_:office:in:).entries()`) and the names of the year's
    /// recipients (`liveRecipientNames(office:year:)`), kept (`ReconciliationYearCache`) while the audit chain's head
    /// has not moved: every write that moves money, changes a budget, an allocation or an agreement's state appends an
    /// audit event in its own transaction, and the head is read first in the same read transaction, so what is kept
    /// is never older than the head it is kept under. A page of a year's lines then costs the head and a slice, not
    /// the year's balances and names again.
    func keptReconciliationYear(
        _ year: FinancialYear, office: String, in tx: any StoreTransaction
    ) throws -> KeptReconciliationYear {
        let head = try tx.auditHead().sequence
        let key = ReconciliationYearKey(office: office, year: year.startYear)
        if let kept = caches.reconciliationYears.value(key, head: head) { return kept }
        let made = KeptReconciliationYear(
            entries: try Self.reconciliationYear(year, office: office, in: tx).entries(),
            recipientNames: try tx.liveRecipientNames(office: office, year: year))
        caches.reconciliationYears.keep(made, key: key, head: head)
        return made
    }

    /// A grant agreement's page: its terms and state, the allocations it pays out, each quarter's profiled and
    /// reported spend, and the reader's roles (which acts to offer; the services still decide each one).
    public struct GrantView: Sendable {
        public let agreement: GrantAgreement
        public let state: String
        public let decisionNumber: String?
        public let decisionTitle: String?
        public let allocations: [Allocation]
        public let quarters: [GrantQuarter]
        public let readerRoles: Set<Role>
        public let newDecisionNumbers: [String: String]
    }

    public func grantView(_ id: String, as actorName: String) async throws -> GrantView {
        let view = try await store.read { tx -> GrantView in
            guard let agreement = try tx.agreement(id: id), let instance = try tx.instance(id: id) else {
                throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
            }
            let person = try actor(named: actorName, in: tx)
            let roles = Set(person.actor.roles(covering: id))
            guard person.office == agreement.office,
                !roles.isDisjoint(with: Self.financeReaders + [.projectBoardMember])
            else {
                // A project board's view of another grant, or another office's agreement: as if there were none.
                throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
            }
            let decision = try tx.decision(id: agreement.decisionID)
            var numbers: [String: String] = [:]
            for v in agreement.variations {
                if let d = v.newDecisionID { numbers[d] = try tx.decision(id: d)?.number ?? d }
            }
            return GrantView(
                agreement: agreement, state: instance.state, decisionNumber: decision?.number,
                decisionTitle: decision?.title,
                allocations: try liveAllocations(office: agreement.office, in: tx).filter {
                    agreement.allocationIDs.contains($0.id)
                }, quarters: [], readerRoles: roles, newDecisionNumbers: numbers)
        }
        return await GrantView(
            agreement: view.agreement, state: view.state, decisionNumber: view.decisionNumber,
            decisionTitle: view.decisionTitle, allocations: view.allocations,
            quarters: try grantHistory(id, as: actorName), readerRoles: view.readerRoles,
            newDecisionNumbers: view.newDecisionNumbers)
    }
}

/// The reconciliation lines of an office's year and its recipients' names (`Commissioning.keptReconciliationYear`),
/// kept while the audit chain's head has not moved since they were read (`HeadKeyedCache`): at most 64 office years.
typealias ReconciliationYearCache = HeadKeyedCache<ReconciliationYearKey, KeptReconciliationYear>

struct ReconciliationYearKey: Hashable, Sendable {
    let office: String
    let year: Int
}

/// An office year's reconciliation lines and the names of its recipients.
struct KeptReconciliationYear: Sendable {
    let entries: [ReconciliationYear.Entry]
    let recipientNames: [String: String]
}
