import Foundation
import OPCCCore
import OPCCStore
import Synchronization

/// Transparency publications: what the Elected Local Policing Bodies (Specified Information) Order 2011 asks a
/// Commissioner to publish, for anyone, without signing in. Grants (with their conditions and how each will reduce
/// crime and disorder), expenditure over £500 and contracts over £10,000, and the grants as a 360Giving package.
///
/// A grant is published only once it is awarded (its agreement signed, active or closed) under a decision whose Part 1
/// is published; a payment or contract only under such a decision too, so nothing reaches the public before the
/// decision that approved it does. Only Part 1 facts are read: no publication ever touches a decision's Part 2.
extension Commissioning {
    /// The agreement states in which a grant has been awarded.
    public static let awardedAgreementStates: Set<String> = ["signed", "active", "closed"]

    /// The published grants of an office (every office's when nil), oldest award first; with `month`, only those
    /// awarded (decided) in that month.
    public func transparencyGrants(office: String? = nil, month: Month? = nil) async throws -> [TransparencyGrant] {
        let offices = try await publishingOffices(office)
        return try await store.read { tx in try publishedGrants(offices: offices, month: month, in: tx) }
    }

    /// Each payment over £500 (every office's when `office` is nil), oldest first; with `month`, only that month's.
    /// A payment later reversed by a correction is left out, and so is one under a decision not yet published.
    public func spendingOver500(office: String? = nil, month: Month? = nil) async throws -> [SpendingItem] {
        let offices = try await publishingOffices(office)
        return try await store.read { tx in
            var items: [SpendingItem] = []
            for office in offices {
                let postings = try tx.postings(office: office)
                let reversed = Set(postings.compactMap(\.posting.reverses))
                let agreements = Dictionary(
                    try tx.agreements(office: office).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                var published: [String: Bool] = [:]
                for stored in postings where stored.posting.cause.kind == .payment {
                    let posting = stored.posting
                    guard !reversed.contains(stored.sequence), month.map({ $0.contains(posting.day) }) ?? true,
                        let agreementID = posting.cause.reference.split(separator: "/").first.map(String.init),
                        let agreement = agreements[agreementID]
                    else { continue }
                    if published[agreement.decisionID] == nil {
                        published[agreement.decisionID] = try publishedDecision(agreement.decisionID, in: tx) != nil
                    }
                    guard published[agreement.decisionID] == true else { continue }
                    // One item per strand and year paid from (a payment may draw on more than one allocation).
                    var byAccount: [LedgerAccount: Int64] = [:]
                    for transfer in posting.transfers where transfer.to.kind == .paid {
                        byAccount[transfer.to] = try LedgerError.sum(
                            byAccount[transfer.to, default: 0], transfer.amount.pence,
                            of: "payment \(posting.cause.reference)")
                    }
                    for (account, pence) in byAccount.sorted(by: { $0.key < $1.key }) {
                        guard let amount = Money(pence: pence), amount > SpendingItem.threshold else { continue }
                        items.append(
                            SpendingItem(
                                office: office, date: posting.day, recipient: agreement.recipient, amount: amount,
                                purpose: agreement.purpose, expenseType: "Grant payment",
                                strand: account.strand ?? "", financialYear: account.year,
                                reference: posting.cause.reference))
                    }
                }
            }
            return items.sorted { ($0.date, $0.office, $0.reference) < ($1.date, $1.office, $1.reference) }
        }
    }

    /// Each contract (grant agreement) over £10,000 awarded under a published decision (every office's when
    /// `office` is nil), by start date; with `month`, only those in force in some day of that month.
    public func contractsOver10000(office: String? = nil, month: Month? = nil) async throws -> [ContractItem] {
        let offices = try await publishingOffices(office)
        return try await store.read { tx in try publishedGrants(offices: offices, month: nil, in: tx) }.filter {
            grant in
            grant.amount > ContractItem.threshold
                && (month.map { $0.overlaps(start: grant.period.start, end: grant.period.end) } ?? true)
        }.map { grant in
            ContractItem(
                office: grant.office, reference: grant.agreementID, counterparty: grant.recipient, value: grant.amount,
                period: grant.period, description: grant.purpose, decisionNumber: grant.decisionNumber,
                decisionDocuments: grant.decisionDocuments)
        }.sorted { ($0.period.start, $0.office, $0.reference) < ($1.period.start, $1.office, $1.reference) }
    }

    /// The published grants as a 360Giving data package (UTF-8 JSON, keys sorted): one office's, or every office's
    /// when nil (published by the one office, or by the product when the database holds several); with `year`, only
    /// the grants decided in that financial year. With `documentBase` (the site's address), each grant links its
    /// decision's Part 1 documents (`relatedDocument`).
    public func threeSixtyGiving(
        office: String? = nil, year: FinancialYear? = nil, documentBase: String? = nil
    ) async throws -> Data {
        let (offices, funders, metadata) = try await threeSixtyGivingHeading(office)
        let decided = year.map { $0.firstDay...$0.lastDay }
        let grants = try await store.read { tx in try publishedGrants(offices: offices, decided: decided, in: tx) }
        let package = ThreeSixtyGiving.package(
            grants.map { ($0, funders[$0.office]!) }, metadata: metadata, documentBase: documentBase)
        return Data((package.rendered() + "\n").utf8)
    }

    /// The same package as `threeSixtyGiving`, byte for byte, as a sequence of pieces a financial year of grants
    /// each, read only when the reader asks for the next: a national export never holds more than one year's grants
    /// in memory, and a slow reader holds up the reading, not the memory.
    public func threeSixtyGivingStream(
        office: String? = nil, year: FinancialYear? = nil, documentBase: String? = nil
    ) async throws -> ThreeSixtyGivingStream {
        let (offices, funders, metadata) = try await threeSixtyGivingHeading(office)
        var years: [FinancialYear] = []
        if let year {
            years = [year]
        } else if let days = try await store.read({ tx in
            try tx.decidedDays(office: offices.count == 1 ? offices[0] : nil)
        }) {
            var y = FinancialYear(containing: days.first)
            while y.firstDay <= days.last {
                years.append(y)
                y = y.next
            }
        }
        return ThreeSixtyGivingStream(
            app: self, offices: offices, funders: funders, years: years,
            outline: ThreeSixtyGiving.package([], metadata: metadata, documentBase: documentBase),
            documentBase: documentBase)
    }

    /// The 360Giving package of one office and one financial year, whole: the very bytes `threeSixtyGivingStream`
    /// gives in pieces for them, kept (`ThreeSixtyGivingYearCache`) while the audit chain's head has not moved
    /// and for the day they are issued on, so that asking again reads the head alone (one read transaction, no
    /// office list, no profile, nothing rendered). Every change to what the package holds (a decision's state, an
    /// agreement, a document, a round, a profile, an office) appends an audit event in its own transaction; the head
    /// is read before the package, so the package kept is never older than the head it is kept under. An unknown
    /// office is refused as `threeSixtyGivingStream` refuses it (`knownOffice`).
    public func threeSixtyGivingYear(office: String, year: FinancialYear, documentBase: String?) async throws -> Data {
        let key = ThreeSixtyGivingYearKey(
            office: office, year: year.startYear, documentBase: documentBase, issued: clock.today())
        let head = try await store.read { try $0.auditHead().sequence }
        if let kept = caches.threeSixtyGivingYears.value(key, head: head) { return kept }
        var whole = Data()
        for try await piece in try await threeSixtyGivingStream(office: office, year: year, documentBase: documentBase)
        {
            whole.append(piece)
        }
        caches.threeSixtyGivingYears.keep(whole, key: key, head: head)
        return whole
    }

    /// The published grants of the offices decided in the financial year, oldest first (a piece of the stream).
    func publishedGrants(offices: [String], year: FinancialYear) async throws -> [TransparencyGrant] {
        try await store.read { tx in
            try publishedGrants(offices: offices, decided: year.firstDay...year.lastDay, in: tx)
        }
    }

    /// The published grants of the offices decided in the financial year, each rendered as the package renders it
    /// (`ThreeSixtyGiving.grant(…).rendered(indent: 2)`) and joined as the package joins them, with how many there
    /// are: kept (`PublishedGrantsCache`) while the audit chain's head is the one read before them, since every
    /// change to what is published (a decision's state, an agreement, a document, a round, a profile) appends an
    /// audit event in its own transaction. The head is read first, in the same read transaction: grants read after
    /// it are never older than it.
    func publishedGrantsText(
        offices: [String], year: FinancialYear, funders: [String: ThreeSixtyGiving.Funder], documentBase: String?
    ) async throws -> (text: String, count: Int) {
        let key = PublishedGrantsKey(
            offices: offices, year: year.startYear, funders: offices.map { funders[$0] }, documentBase: documentBase)
        let (head, kept, grants) = try await store.read {
            tx -> (Int64, (text: String, count: Int)?, [TransparencyGrant]) in
            let head = try tx.auditHead().sequence
            if let kept = caches.publishedGrants.value(key, head: head) { return (head, (kept.text, kept.count), []) }
            return (head, nil, try publishedGrants(offices: offices, decided: year.firstDay...year.lastDay, in: tx))
        }
        if let kept { return kept }
        let text = grants.map { grant in
            ThreeSixtyGiving.grant(grant, funder: funders[grant.office]!, documentBase: documentBase)
                .rendered(indent: 2)
        }.joined(separator: ",\n    ")
        caches.publishedGrants.keep(PublishedGrantsText(text: text, count: grants.count), key: key, head: head)
        return (text, grants.count)
    }

    /// The offices a 360Giving package covers, their funders, and its metadata.
    private func threeSixtyGivingHeading(
        _ office: String?
    ) async throws -> ([String], [String: ThreeSixtyGiving.Funder], ThreeSixtyGiving.Metadata) {
        let offices = try await publishingOffices(office)
        let funders = try await store.read { tx in
            var funders: [String: ThreeSixtyGiving.Funder] = [:]
            for id in offices {
                let profile = try profile(of: id, in: tx)
                funders[id] = ThreeSixtyGiving.Funder(
                    prefix: profile.threeSixtyGivingPrefix, orgID: profile.threeSixtyGivingFunderID,
                    name: profile.name)
            }
            return funders
        }
        let publisher =
            offices.count == 1
            ? funders[offices[0]]!
            : ThreeSixtyGiving.Funder(prefix: "360G-opcc", orgID: "360G-opcc-ORG", name: "OPCC grants (all offices)")
        let metadata = ThreeSixtyGiving.Metadata(
            title: "Grants made by \(publisher.name)",
            description: "Grants awarded under published decisions of the Police and Crime Commissioner, as the "
                + "Elected Local Policing Bodies (Specified Information) Order 2011 asks. Amounts are in pounds.",
            publisher: publisher, issued: clock.today())
        return (offices, funders, metadata)
    }

    // MARK: What is published

    /// The offices a publication covers: the one named (refused when unknown), or every office.
    private func publishingOffices(_ office: String?) async throws -> [String] {
        if let office { return await [try resolveOffice(office)] }
        return try await store.read { try $0.offices() }.map(\.id).sorted()
    }

    /// The decision record when its Part 1 is published and it was taken, else nil. The record is read without its
    /// Part 2 content.
    private func publishedDecision(
        _ id: String, in tx: any StoreTransaction
    ) throws -> (number: String, decided: Day)? {
        guard let instance = try tx.instance(id: id), instance.state == "published",
            let record = try tx.decision(id: id)?.withoutPart2Content, record.publishedOn != nil,
            let number = record.number, let decided = record.decision?.day
        else { return nil }
        return (number, decided)
    }

    /// The current Part 1 documents of a decision the caller found published (`publishedDecision`): never a Part 2,
    /// superseded or withdrawn one.
    private func publishedDocuments(_ id: String, in tx: any StoreTransaction) throws -> [PublishedDocumentLink] {
        try tx.documents(recordID: id).filter { $0.part == .part1 && $0.isCurrent }.map {
            PublishedDocumentLink(id: $0.id, name: $0.name, kind: $0.kind, type: $0.type, sizeBytes: $0.sizeBytes)
        }
    }

    /// The published grants of the offices, oldest award first; with `month`, only those decided in it; with
    /// `decided`, only those decided in that range (read through the decisions' date index).
    private func publishedGrants(
        offices: [String], month: Month? = nil, decided: ClosedRange<Day>? = nil, in tx: any StoreTransaction
    ) throws -> [TransparencyGrant] {
        try offices.flatMap { try publishedGrants(office: $0, decided: decided, in: tx) }.filter { grant in
            month.map { $0.contains(grant.decisionDate) } ?? true
        }.sorted { ($0.decisionDate, $0.office, $0.agreementID) < ($1.decisionDate, $1.office, $1.agreementID) }
    }

    private func publishedGrants(
        office: String, decided: ClosedRange<Day>?, in tx: any StoreTransaction
    ) throws -> [TransparencyGrant] {
        let agreements =
            try decided.map { try tx.agreements(office: office, decidedFrom: $0.lowerBound, through: $0.upperBound) }
            ?? tx.agreements(office: office)
        // A year's grants read only their own allocations; the whole office's are read at once.
        let stored =
            decided == nil
            ? try tx.allocations(office: office) : try tx.allocations(ids: agreements.flatMap(\.allocationIDs))
        let allocations = Dictionary(
            stored.map { ($0.allocation.id, $0.allocation) }, uniquingKeysWith: { first, _ in first })
        var areas = AreaLookup(office: office, tx: tx)
        // Many agreements share a decision (a year's budget decision): each is read once.
        var decisions: [String: (number: String, decided: Day)?] = [:]
        var documents: [String: [PublishedDocumentLink]] = [:]
        var programmes: [String: (code: String, title: String)?] = [:]
        var grants: [TransparencyGrant] = []
        for agreement in agreements {
            guard let state = try tx.instance(id: agreement.id)?.state, Self.awardedAgreementStates.contains(state)
            else { continue }
            if decisions[agreement.decisionID] == nil {
                decisions[agreement.decisionID] = .some(try publishedDecision(agreement.decisionID, in: tx))
            }
            guard let decision = decisions[agreement.decisionID] ?? nil else { continue }
            if documents[agreement.decisionID] == nil {
                documents[agreement.decisionID] = try publishedDocuments(agreement.decisionID, in: tx)
            }
            var beneficiaries: [BeneficiaryArea] = []
            for id in agreement.allocationIDs {
                guard let area = allocations[id]?.area, !area.isBlank else { continue }
                for found in try areas.resolve(area) where !beneficiaries.contains(found) {
                    beneficiaries.append(found)
                }
            }
            var grant = TransparencyGrant(
                office: office, agreementID: agreement.id, recipient: agreement.recipient,
                purpose: agreement.purpose, amount: agreement.amount, conditions: agreement.conditions,
                crimeAndDisorderStatement: agreement.crimeAndDisorderStatement, decisionNumber: decision.number,
                decisionDate: decision.decided, period: agreement.period, beneficiaryAreas: beneficiaries,
                decisionDocuments: documents[agreement.decisionID] ?? [])
            // A grant awarded in an open round is published under the round as its programme.
            if programmes[agreement.decisionID] == nil {
                programmes[agreement.decisionID] = .some(
                    try tx.round(decisionID: agreement.decisionID).map { ($0.id, $0.spec.title) })
            }
            grant.grantProgramme = programmes[agreement.decisionID] ?? nil
            grants.append(grant)
        }
        return grants
    }
}

/// Finds an allocation's area in the office's geography: a ward of its VLI ward lookup (with the districts its
/// LSOAs lie in), or a local authority by code or name; otherwise the area as written, without a code.
private struct AreaLookup {
    let office: String
    let tx: any StoreTransaction
    private var loaded: (wards: [String: VLIGroupRef], geography: [VLIGeography])?

    init(office: String, tx: any StoreTransaction) {
        self.office = office
        self.tx = tx
    }

    private var resolved: [String: [BeneficiaryArea]] = [:]

    mutating func resolve(_ area: String) throws -> [BeneficiaryArea] {
        if let known = resolved[area] { return known }
        let found = try resolveOnce(area)
        resolved[area] = found
        return found
    }

    private mutating func resolveOnce(_ area: String) throws -> [BeneficiaryArea] {
        if loaded == nil {
            loaded = (try tx.vliGroups(office: office, grouping: "ward"), try tx.vliGeography(office: office))
        }
        let (wards, geography) = loaded!
        let key = area.lowercased()
        let lsoas = Set(wards.filter { $0.value.code.lowercased() == key || $0.value.name.lowercased() == key }.keys)
        if let ward = wards.first(where: { lsoas.contains($0.key) })?.value {
            var found = [BeneficiaryArea(name: ward.name, geoCode: ward.code)]
            var districts: [String: String] = [:]
            for g in geography where lsoas.contains(g.lsoa) {
                if let code = g.laCode, let name = g.laName { districts[code] = name }
            }
            for (code, name) in districts.sorted(by: { $0.key < $1.key }) {
                found.append(BeneficiaryArea(name: name, geoCode: code))
            }
            return found
        }
        if let district = geography.first(where: { $0.laCode?.lowercased() == key || $0.laName?.lowercased() == key }),
            let code = district.laCode, let name = district.laName
        {
            return [BeneficiaryArea(name: name, geoCode: code)]
        }
        return [BeneficiaryArea(name: area, geoCode: area)]
    }
}

/// A 360Giving package in pieces (`Commissioning.threeSixtyGivingStream`): the opening and the first year's grants,
/// each later year's grants, then the closing; together the bytes `threeSixtyGiving` answers.
public struct ThreeSixtyGivingStream: AsyncSequence, Sendable {
    public typealias Element = Data
    let app: Commissioning
    let offices: [String]
    let funders: [String: ThreeSixtyGiving.Funder]
    let years: [FinancialYear]
    /// The package with no grants; the streamed one is it with the grants written into its array.
    let outline: JSONValue
    let documentBase: String?

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: ThreeSixtyGivingStream
        var next = 0
        /// How many grants have been written so far.
        public private(set) var written = 0
        var finished = false
        let before: String
        let after: String

        init(stream: ThreeSixtyGivingStream) {
            self.stream = stream
            // The package around one marker grant, cut at the marker: what comes before the first grant and after
            // the last, exactly as the whole package renders them.
            let marker = "\u{1}grants\u{1}"
            guard case .object(var members) = stream.outline else { preconditionFailure("a package is an object") }
            members["grants"] = .array([.string(marker)])
            let whole = JSONValue.object(members).rendered() + "\n"
            let at = whole.range(of: JSONValue.quoted(marker))!
            (before, after) = (String(whole[..<at.lowerBound]), String(whole[at.upperBound...]))
        }

        public mutating func next() async throws -> Data? {
            while next < stream.years.count {
                let year = stream.years[next]
                next += 1
                let grants = try await stream.app.publishedGrantsText(
                    offices: stream.offices, year: year, funders: stream.funders, documentBase: stream.documentBase)
                guard grants.count > 0 else { continue }
                let text = (written == 0 ? before : ",\n    ") + grants.text
                written += grants.count
                return Data(text.utf8)
            }
            guard !finished else { return nil }
            finished = true
            return Data((written == 0 ? stream.outline.rendered() + "\n" : after).utf8)
        }
    }
}

/// The whole 360Giving packages of one office and year (`Commissioning.threeSixtyGivingYear`), kept while the audit
/// chain's head has not moved since they were read (`HeadKeyedCache`): at most 64 (a few dozen offices' recent
/// years).
typealias ThreeSixtyGivingYearCache = HeadKeyedCache<ThreeSixtyGivingYearKey, Data>

struct ThreeSixtyGivingYearKey: Hashable, Sendable {
    let office: String
    let year: Int
    let documentBase: String?
    /// The day the package says it was issued on.
    let issued: Day
}

/// The rendered published grants of a year (of one office, or of several), kept while the audit chain's head has
/// not moved since they were read (see `Commissioning.publishedGrantsText`; `HeadKeyedCache`). A few dozen years of
/// one office or of the nation: at most 64 entries.
typealias PublishedGrantsCache = HeadKeyedCache<PublishedGrantsKey, PublishedGrantsText>

struct PublishedGrantsKey: Hashable, Sendable {
    let offices: [String]
    let year: Int
    let funders: [ThreeSixtyGiving.Funder?]
    let documentBase: String?
}

/// A year's grants rendered and joined, and how many there are.
struct PublishedGrantsText: Sendable {
    let text: String
    let count: Int
}
