import Foundation
import OPCCCore
import OPCCStore

/// A realistic national data set (issue 27): the 43 territorial police forces of England and Wales, each office with
/// its people and roles, its decisions taken through their whole workflow, a year's budgets, allocations and grant
/// agreements, every active agreement's quarterly returns written, submitted and reviewed, VLI runs and the deadline
/// sweep, for a number of financial years. Everything a person would do goes through the same public service calls
/// as the CLI and the web (one transaction per act); only the finance year (budgets, allocations, agreements up to
/// signature, first instalments) is written as `generateNationalFinance` writes it, one transaction per office and
/// year. Deterministic: the same options give the same database.
extension Commissioning {
    /// How large a national data set to generate.
    public struct NationalDataOptions: Sendable {
        public var offices = 43
        public var years = 10
        public var firstYear = 2016
        /// Decisions a year per office, the year's budget decision included.
        public var decisionsPerYear = 150
        public var allocationsPerYear = 200
        public var recipientsPerYear = 60
        /// Load the VLI fixture (`fixtures/vli/*.yaml`) into each office and score it again every year.
        public var vli = true
        /// Continue a data set whose generation stopped part way: offices already in the store are left as they are
        /// (one stopped part way keeps the years it has) and the rest are generated after them.
        public var resume = false

        public init() {}
    }

    /// What was generated, counted as it was.
    public struct NationalDataSummary: Sendable {
        public var offices = 0
        public var people = 0
        public var decisions = 0
        /// Decisions by the state they were left in.
        public var decisionStates: [String: Int] = [:]
        public var delegatedDecisions = 0
        public var decisionActs = 0
        public var finance = NationalFinanceSummary()
        public var activatedAgreements = 0
        public var returnsScheduled = 0
        public var returnsAccepted = 0
        public var returnsSentBack = 0
        public var returnsLate = 0
        public var returnActs = 0
        public var sweeps = 0
        public var sweepEntries = 0
        public var vliRuns = 0
        /// Whether VLI fixtures were found (`fixtures/vli/*.yaml`).
        public var vliFixture = false

        public init() {}
    }

    /// The 43 territorial police forces of England and Wales, each with a Police and Crime Commissioner (or a mayor
    /// or the City's Court of Common Council in that role).
    public static let nationalForces = [
        "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
        "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
        "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
        "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan Police", "Norfolk", "North Wales",
        "North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire",
        "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia",
        "West Midlands", "West Yorkshire", "Wiltshire",
    ]

    /// The office id for a force: "Avon and Somerset" is `avon-and-somerset`; beyond the 43, `force-44`, ….
    public static func nationalOfficeID(_ index: Int) -> (id: String, name: String) {
        guard index < nationalForces.count else { return ("force-\(index + 1)", "generated force \(index + 1)") }
        let name = nationalForces[index]
        let id = name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return (id, name)
    }

    /// Generates the national data set into this (empty) store, or continues one (`resume`). `progress` is told of each
    /// office and year.
    public func generateNationalData(
        from home: ProductHome, _ options: NationalDataOptions, progress: (String) -> Void = { _ in }
    ) async throws -> NationalDataSummary {
        var summary = NationalDataSummary()
        // Four office profiles in turn, so the offices differ as real ones do: numbering, sign-offs, deadlines, and
        // a delegation of the decision (Cumbria's) in a quarter of them.
        let templates = try ["cumbria", "leicestershire", "lincolnshire", "west-midlands"].map {
            try String(contentsOf: home.fixtures.appendingPathComponent("offices/\($0).yaml"), encoding: .utf8)
        }
        let vliFile = home.fixtures.appendingPathComponent("vli/cumbria.yaml")
        let vliText = try? String(contentsOf: vliFile, encoding: .utf8)
        summary.vliFixture = vliText != nil
        var random = NationalRandom(state: 0x5EED_2016)
        let existing = options.resume ? Set(try await offices().map(\.id)) : []
        var skipped = false
        for o in 0..<options.offices {
            let (office, force) = Self.nationalOfficeID(o)
            if existing.contains(office) {
                skipped = true
                continue
            }
            if skipped {
                // The chain of draws through the skipped offices is not known here: the first office generated after
                // them starts from a state of its own (still deterministic for the same store and options).
                random = NationalRandom(state: 0x5EED_2016 &+ UInt64(o) &* 0x9E37_79B9_7F4A_7C15)
                skipped = false
            }
            let template = templates[o % templates.count]
            let text = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                if line.hasPrefix("id: ") { return "id: \(office)" }
                if line.hasPrefix("name: ") { return "name: Office of the Police and Crime Commissioner for \(force)" }
                return String(line)
            }.joined(separator: "\n")
            let source = "generated from fixtures/offices (\(force))"
            _ = try await registerOffice(
                LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: source), text: text, source: source))
            let profile = try await self.profile(of: office)
            var generator = NationalOfficeGenerator(
                app: self, office: office, force: force, profile: profile, options: options, random: random)
            try await generator.addStaff()
            if options.vli, let vliText {
                try await generator.loadVLI(vliText, folder: vliFile.deletingLastPathComponent(), home: home)
            }
            var finance = NationalYearGenerator(
                app: self, office: office, index: o + 1, finance: generator.finance,
                decision: DecisionRecord(id: "", office: office, title: "", originatingOfficer: ""),
                strands: ["ASB", "CSF", "VAW", "YOUTH", "SUBSTANCE"], allocationsPerYear: options.allocationsPerYear,
                recipientsPerYear: options.recipientsPerYear, summary: summary.finance, random: random.state)
            finance.activatesLater = true
            for y in 0..<options.years {
                let startYear = options.firstYear + y
                finance.decision = try await generator.budgetDecision(startYear: startYear)
                finance.toActivate = []
                finance = try await store.write { [finance] tx in
                    var finance = finance
                    try finance.generate(startYear: startYear, in: tx)
                    return finance
                }
                try await generator.activate(finance.toActivate, startYear: startYear)
                try await generator.decisions(startYear: startYear, last: y == options.years - 1)
                try await generator.returns(finance.toActivate, startYear: startYear, last: y == options.years - 1)
                if options.vli, vliText != nil, y > 0 {
                    try await generator.rescoreVLI(startYear: startYear, home: home)
                }
                progress(
                    "\(office) \(FinancialYear(startYear: startYear)): \(generator.summary.decisions) decisions, "
                        + "\(finance.agreementCount) agreements, \(generator.summary.returnsScheduled) returns so far")
            }
            random = generator.random
            summary.finance = finance.summary
            summary.add(generator.summary)
            summary.offices += 1
        }
        return summary
    }
}

extension Commissioning.NationalDataSummary {
    mutating func add(_ other: Self) {
        people += other.people
        decisions += other.decisions
        decisionStates.merge(other.decisionStates, uniquingKeysWith: +)
        delegatedDecisions += other.delegatedDecisions
        decisionActs += other.decisionActs
        activatedAgreements += other.activatedAgreements
        returnsScheduled += other.returnsScheduled
        returnsAccepted += other.returnsAccepted
        returnsSentBack += other.returnsSentBack
        returnsLate += other.returnsLate
        returnActs += other.returnActs
        sweeps += other.sweeps
        sweepEntries += other.sweepEntries
        vliRuns += other.vliRuns
    }
}

/// SplitMix64: the same data set on every machine.
struct NationalRandom: Sendable {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

/// One office of the national data set: its people, decisions, returns, sweeps and VLI runs, each act through the
/// public service call a person's act goes through.
struct NationalOfficeGenerator: Sendable {
    let app: Commissioning
    let office: String
    let force: String
    let profile: OfficeProfile
    let options: Commissioning.NationalDataOptions
    var random: NationalRandom
    var summary = Commissioning.NationalDataSummary()

    var officers: [String] { (1...4).map { "\(office).officer-\($0)" } }
    var finance: String { "\(office).finance-1" }
    var financeDeputy: String { "\(office).finance-2" }
    var chiefExecutive: String { "\(office).chief-executive" }
    var commissioner: String { "\(office).pcc" }
    var vliCount = 0

    init(
        app: Commissioning, office: String, force: String, profile: OfficeProfile,
        options: Commissioning.NationalDataOptions, random: NationalRandom
    ) {
        (self.app, self.office, self.force, self.profile, self.options, self.random) =
            (app, office, force, profile, options, random)
    }

    /// The office's standing staff (ten people); the project boards are added year by year with their grants.
    mutating func addStaff() async throws {
        var staff: [(String, String, Role)] = officers.enumerated().map {
            ($1, "Commissioning officer \($0 + 1), \(force)", .officer)
        }
        staff += [
            (finance, "Chief Finance Officer, \(force)", .finance),
            (financeDeputy, "Finance officer, \(force)", .finance),
            (chiefExecutive, "Chief Executive, \(force)", .chiefExecutive),
            (commissioner, "Police and Crime Commissioner for \(force)", .commissioner),
            ("\(office).auditor-1", "Internal auditor, \(force)", .auditor),
            ("\(office).auditor-2", "External auditor, \(force)", .auditor),
        ]
        for (name, display, role) in staff {
            try await app.addPerson(
                name: name, displayName: display, office: office, grants: [RoleGrant(role: role, scope: [])],
                by: Commissioning.systemActor, on: nil, authorised: true,
                email: "\(name.split(separator: ".").last!)@\(office).example.org")
            summary.people += 1
        }
    }

    func displayName(_ name: String) -> String {
        if name == commissioner { return "Police and Crime Commissioner for \(force)" }
        if name == chiefExecutive { return "Chief Executive, \(force)" }
        if name.hasPrefix("\(office).finance") { return "Chief Finance Officer, \(force)" }
        return "Commissioning officer, \(force)"
    }

    // MARK: Decisions

    static let topics = [
        ("Youth diversion programme", "YOUTH"), ("Domestic abuse outreach service", "VAW"),
        ("Independent sexual violence advisers", "VAW"), ("Anti-social behaviour case workers", "ASB"),
        ("Drug and alcohol treatment referral", "SUBSTANCE"), ("Community safety partnership grant", "CSF"),
        ("Neighbourhood watch small grants", "CSF"), ("Knife crime education in schools", "YOUTH"),
        ("Victims' services commissioning", "VAW"), ("CCTV replacement in the town centre", "ASB"),
        ("Restorative justice service", "CSF"), ("Integrated offender management hub", "SUBSTANCE"),
    ]

    /// The year's budget decision (raised in March before the year, approved and published): every allocation of
    /// the year cites it.
    mutating func budgetDecision(startYear: Int) async throws -> DecisionRecord {
        let year = FinancialYear(startYear: startYear)
        var draft = DecisionDraft()
        draft.title = "Commissioning budget \(year) for \(force)"
        draft.executiveSummary = "The Commissioner's grants budget for \(year), by strand."
        draft.recommendation = "Approve the commissioning budget for \(year)."
        draft.amount = "£900,000,000"
        let id = try await raise(draft, by: officers[0], on: Day(year: startYear, month: 3, day: 1)!)
        try await submitAndSign(id, by: officers[0], on: Day(year: startYear, month: 3, day: 2)!)
        try await act(.refer, id, by: officers[0], on: Day(year: startYear, month: 3, day: 5)!)
        try await act(
            .decide(approve: true, interests: "None", prejudicialInterest: false), id, by: commissioner,
            on: Day(year: startYear, month: 3, day: 8)!)
        try await act(.publish, id, by: officers[0], on: Day(year: startYear, month: 3, day: 8)!)
        summary.decisionStates["published", default: 0] += 1
        return try await app.showDecision(id, office: office, by: officers[0]).record
    }

    /// What happens to one decision.
    enum Fate: CaseIterable {
        case published, declined, delegated, deferred, deferredThenPublished, withdrawn, revised
        case draft, awaitingSignOffs, withDecisionMaker, approvedUnpublished, declinedUnpublished
    }

    /// The year's other decisions, raised through the year: most approved and published, some not approved, some
    /// deferred, a few withdrawn or sent back for revision first, some decided by the delegate where the office
    /// delegates; in the last year the latest are left where a live office would have them (draft, awaiting
    /// sign-offs, with the decision-maker, decided and not yet published).
    mutating func decisions(startYear: Int, last: Bool) async throws {
        let count = max(0, options.decisionsPerYear - 1)
        let start = Day(year: startYear, month: 4, day: 1)!
        for i in 0..<count {
            let day = start.adding(days: i * 330 / max(count, 1))
            let roll = random.next(100)
            var fate: Fate =
                roll < 70
                ? .published
                : roll < 78
                    ? .declined
                    : roll < 82
                        ? .deferred
                        : roll < 86
                            ? .deferredThenPublished
                            : roll < 89
                                ? .withdrawn : roll < 94 ? .revised : .delegated
            // Each year's first six take the rarer fates, so that even a small data set holds every state.
            let rare: [Fate] = [.declined, .deferred, .deferredThenPublished, .withdrawn, .revised, .delegated]
            if i < rare.count { fate = rare[i] }
            if fate == .delegated && profile.decisionDelegation == nil { fate = .published }
            let tail: [Fate] = [
                .draft, .awaitingSignOffs, .withDecisionMaker, .approvedUnpublished, .declinedUnpublished,
            ]
            if last, i >= count - max(tail.count, count / 10) { fate = tail[i % tail.count] }
            try await decision(i, fate: fate, on: day, startYear: startYear)
        }
    }

    mutating func decision(_ i: Int, fate: Fate, on day: Day, startYear: Int) async throws {
        let (topic, strand) = Self.topics[random.next(Self.topics.count)]
        let officer = officers[i % officers.count]
        let amount = 5_000 + random.next(495) * 1_000
        var draft = DecisionDraft()
        draft.title = "\(topic) \(FinancialYear(startYear: startYear)) (\(force) \(i + 1))"
        draft.executiveSummary =
            "Funding of £\(amount) for the \(topic.lowercased()) in \(force), under the Police and Crime Plan."
        draft.recommendation = "Approve £\(amount) for the \(topic.lowercased())."
        draft.amount = "£\(amount)"
        draft.fundingSource = .init(strand: strand, year: FinancialYear(startYear: startYear).description)
        if i % 9 == 0 {
            draft.part2 = .init(
                exists: true, reason: "Commercially sensitive: the providers' prices.",
                content: "Tender prices of the three providers.", complete: true)
        }
        let id = try await raise(draft, by: officer, on: day)
        var state = "draft"
        defer { summary.decisionStates[state, default: 0] += 1 }
        if fate == .draft { return }
        try await submitAndSign(id, by: officer, on: day.adding(days: 1))
        state = "awaiting-sign-offs"
        if fate == .awaitingSignOffs { return }
        if fate == .withdrawn {
            try await act(.withdraw(reason: "Superseded by a joint bid"), id, by: officer, on: day.adding(days: 3))
            state = "withdrawn"
            return
        }
        if fate == .revised {
            try await act(
                .returnForRevision(reason: "Say how the outcomes will be measured"), id, by: chiefExecutive,
                on: day.adding(days: 3))
            try await submitAndSign(id, by: officer, on: day.adding(days: 5))
        }
        try await act(.refer, id, by: officer, on: day.adding(days: 6))
        state = "with-decision-maker"
        if fate == .withDecisionMaker { return }
        let delegated = fate == .delegated
        if delegated { summary.delegatedDecisions += 1 }
        try await act(
            .decide(
                approve: fate != .declined && fate != .declinedUnpublished, interests: "None",
                prejudicialInterest: false), id,
            by: delegated ? chiefExecutive : commissioner, role: delegated ? .chiefExecutive : .commissioner,
            on: day.adding(days: 8))
        state = fate == .declined || fate == .declinedUnpublished ? "not-approved" : "approved"
        if fate == .approvedUnpublished || fate == .declinedUnpublished { return }
        if fate == .deferred || fate == .deferredThenPublished {
            try await act(
                .deferPublication(
                    reason: "Publishing before the contract is signed would compromise the procurement",
                    until: day.adding(days: 60)), id, by: officer, on: day.adding(days: 8))
            state = "publication-deferred"
            if fate == .deferred { return }
            try await act(.publish, id, by: officer, on: day.adding(days: 60))
        } else {
            try await act(.publish, id, by: officer, on: day.adding(days: 8))
        }
        state = "published"
    }

    mutating func raise(_ draft: DecisionDraft, by officer: String, on day: Day) async throws -> String {
        summary.decisions += 1
        summary.decisionActs += 1
        return try await app.raiseDecision(office: office, draft: draft, by: officer, on: day).id
    }

    /// Submits and records every sign-off the office's profile requires, each by a holder of its role.
    mutating func submitAndSign(_ id: String, by officer: String, on day: Day) async throws {
        try await act(.submit(number: nil), id, by: officer, on: day)
        for signatory in profile.signatories {
            let by: String
            switch signatory.role {
            case .finance: by = finance
            case .chiefExecutive: by = chiefExecutive
            case .commissioner: by = commissioner
            default: by = officer
            }
            try await act(
                .signOff(position: signatory.position, name: displayName(by), initials: nil), id, by: by,
                on: day.adding(days: 1))
        }
    }

    mutating func act(
        _ act: Commissioning.DecisionAct, _ id: String, by: String, role: Role? = nil, on day: Day
    ) async throws {
        try await app.perform(act, on: id, by: by, role: role, on: day)
        summary.decisionActs += 1
    }

    // MARK: Agreements and returns

    /// Activates the year's signed agreements (finance), which schedules their quarterly returns, and adds the year's
    /// two project boards, each scoped to half of them.
    mutating func activate(_ agreements: [String], startYear: Int) async throws {
        for id in agreements {
            try await app.activateAgreement(id, by: finance, on: Day(year: startYear, month: 5, day: 4)!)
            summary.activatedAgreements += 1
        }
        for board in 0..<2 {
            let scope = agreements.enumerated().filter { $0.offset % 2 == board }.map(\.element)
            guard !scope.isEmpty else { continue }
            let name = "\(office).board-\(startYear)-\(board + 1)"
            try await app.addPerson(
                name: name, displayName: "Project board \(board + 1) of \(FinancialYear(startYear: startYear))",
                office: office, grants: [RoleGrant(role: .projectBoardMember, scope: scope)],
                by: Commissioning.systemActor, on: nil, authorised: true)
            summary.people += 1
        }
    }

    /// Every scheduled return of the year's agreements, quarter by quarter: written and submitted by the grant's
    /// board before the due day (a few late, a few sent back and resubmitted), accepted by an officer or finance,
    /// with the deadline sweep run after each due day. In the last year a tenth of the final quarter's returns are
    /// left outstanding, for the sweep to find overdue.
    mutating func returns(_ agreements: [String], startYear: Int, last: Bool) async throws {
        var byQuarter: [[(ReturnRecord, String, Money)]] = Array(repeating: [], count: 4)
        for (index, id) in agreements.enumerated() {
            let board = "\(office).board-\(startYear)-\(index % 2 + 1)"
            let agreement = try await app.agreement(id)
            let office = self.office
            let records = try await app.store.read { try $0.returnRecords(office: office, agreement: id) }
            summary.returnsScheduled += records.count
            for (q, record) in records.sorted(by: { $0.quarter < $1.quarter }).prefix(4).enumerated() {
                byQuarter[q].append((record, board, agreement.amount))
            }
        }
        var spent: [String: Int64] = [:]
        for (q, quarter) in byQuarter.enumerated() {
            guard let due = quarter.first?.0.dueOn else { continue }
            var late: [(ReturnRecord, String, Money)] = []
            for item in quarter {
                let roll = random.next(100)
                if last && q == 3 && roll < 10 { continue }
                if roll >= 95 {
                    late.append(item)
                    continue
                }
                try await writeReturn(item, q: q, spent: &spent, on: due.adding(days: -6), sendBack: roll < 5)
            }
            try await sweep(on: due.adding(days: 3))
            for item in late {
                try await writeReturn(item, q: q, spent: &spent, on: due.adding(days: 5), sendBack: false)
                summary.returnsLate += 1
            }
        }
        if last, let due = byQuarter[3].first?.0.dueOn {
            // Weeks later: the outstanding final returns are escalated.
            try await sweep(on: due.adding(days: 21))
        }
    }

    mutating func writeReturn(
        _ item: (ReturnRecord, String, Money), q: Int, spent: inout [String: Int64], on day: Day, sendBack: Bool
    ) async throws {
        let (record, board, amount) = item
        let quarterSpend = q == 3 ? amount.pence - 3 * (amount.pence / 4) : amount.pence / 4
        let before = spent[record.agreementID] ?? 0
        let content = ReturnContent(
            spendInQuarter: Money(pence: quarterSpend)!, spendToDate: Money(pence: before + quarterSpend)!,
            narrative: "Delivery on plan in \(record.quarter): sessions held and referrals made as agreed.",
            milestones: [
                .init(
                    name: "Quarterly delivery plan", rag: q == 2 ? .amber : .green,
                    reason: q == 2 ? "Winter sessions started two weeks late" : nil)
            ],
            risks: q == 0 ? ["Staff recruitment"] : [])
        spent[record.agreementID] = before + quarterSpend
        let reviewer = q == 0 ? finance : officers[q % officers.count]
        try await app.saveReturn(record.id, content: content, by: board, on: day)
        try await app.submitReturn(record.id, by: board, on: day)
        summary.returnActs += 2
        if sendBack {
            try await app.returnForRevision(
                record.id, reasons: "Give the number of referrals made in the quarter", by: reviewer,
                on: day.adding(days: 1))
            var revised = content
            revised.narrative += " 42 referrals made in the quarter."
            try await app.saveReturn(record.id, content: revised, by: board, on: day.adding(days: 2))
            try await app.submitReturn(record.id, by: board, on: day.adding(days: 2))
            summary.returnsSentBack += 1
            summary.returnActs += 3
        }
        try await app.acceptReturn(record.id, by: reviewer, on: day.adding(days: sendBack ? 3 : 1))
        summary.returnsAccepted += 1
        summary.returnActs += 1
    }

    mutating func sweep(on day: Day) async throws {
        summary.sweepEntries += try await app.sweepDeadlines(on: day, office: office).count
        summary.sweeps += 1
    }

    // MARK: VLI

    /// The VLI fixture's imports, first run and shortlist, played for this office by its first officer.
    mutating func loadVLI(_ text: String, folder: URL, home: ProductHome) async throws {
        var fixture = try VLIFixture.parse(yaml: text, source: "fixtures/vli (for \(office))")
        fixture.office = office
        fixture.by = officers[0]
        fixture.select = nil
        _ = try await app.loadVLIFixture(fixture, folder: folder, home: home, source: "fixtures/vli (for \(office))")
        summary.vliRuns += 1
    }

    /// A new scoring run in February of the year, on the office's imported indicators.
    mutating func rescoreVLI(startYear: Int, home: ProductHome) async throws {
        let (scheme, text) = try app.vliScheme(named: "vli-default", home: home)
        _ = try await app.scoreVLI(
            office: office, scheme: scheme, schemeText: text, by: officers[0],
            on: Day(year: startYear + 1, month: 2, day: 1)!)
        summary.vliRuns += 1
    }
}
