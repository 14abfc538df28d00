import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The grant rounds in the browser (issue 29). Public: `/rounds` (every office's published rounds: open, opening soon
/// and past) and `/rounds/ID` (a round as published: its fund, total, bands, eligibility, criteria with weights, the
/// scoring scale, the questions, the dates in London time and, once decided, its awards; never an application or a
/// score). The applicant's pages are in `ApplicantRoutes.swift`, the officers' and assessors' in
/// `AssessmentRoutes.swift`. Every rule and every authorisation check is the services'.
extension Web {
    /// Every page of the rounds: the public ones as they are, the others behind `RequireSignIn`.
    func addRoundRoutes(to router: some RouterMethods<WebContext>) {
        addPublicRoundRoutes(to: router)
        addRoundFormRoutes(to: router)
    }

    /// The public pages of the rounds, which a read-only copy serves too.
    func addPublicRoundRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/rounds") { _, context -> Response in
            try await roundListPage(context: context)
        }
        router.get("/rounds/:id") { _, context -> Response in
            try await publicRoundPage(try context.parameters.require("id"), context: context)
        }
    }

    /// Sign-up, the applicants' and the assessors' pages: a read-only copy refuses them (`ReadOnlyCopy`).
    func addRoundFormRoutes(to router: some RouterMethods<WebContext>) {
        addSignUpRoutes(to: router)
        let signedIn = router.group().add(middleware: RequireSignIn())
        addApplicantRoutes(to: signedIn)
        addAssessmentRoutes(to: signedIn)
    }

    /// The public list: always the public's view, signed in or not (published rounds only).
    func roundListPage(context: WebContext) async throws -> Response {
        let rounds = try await app.rounds(office: nil, by: nil)
        let now = app.clock.now()
        let names = try await officeNames()
        var model = RoundListPage()
        for round in rounds where round.state != .draft {
            let row = RoundListPage.Row(round, office: names[round.office] ?? round.office)
            switch RoundTiming(round, now: now) {
            case .upcoming: model.upcoming.append(row)
            case .open: model.open.append(row)
            case .past: model.past.append(row)
            }
        }
        return try pages.page(
            "rounds", title: "Grant rounds", model: model, context: context,
            menu: try await partnerMenu(context.user))
    }

    /// A round as published. An unpublished round, or none, is not found (its existence is not published either).
    func publicRoundPage(_ id: String, context: WebContext) async throws -> Response {
        let round: StoredRound
        do {
            round = try await app.round(id, by: nil)
        } catch let error where Refusal.status(of: error) != nil {
            return pages.error(.notFound, message: "There is no published grant round here.", context: context)
        }
        guard round.state != .draft else {
            return pages.error(.notFound, message: "There is no published grant round here.", context: context)
        }
        let names = try await officeNames()
        let awards = round.state == .decided ? try await app.publishedAwards(of: round.id) : []
        var model = RoundPage(
            round, office: names[round.office] ?? round.office, timing: RoundTiming(round, now: app.clock.now()),
            awards: awards)
        model.staffLinks = try await roundWorkLinks(round, user: context.user)
        return try pages.page(
            "round", title: round.spec.title, model: model, context: context, back: "/rounds",
            menu: try await partnerMenu(context.user))
    }

    /// The pages a signed-in person works on the round with: its office's staff the eligibility and moderation
    /// pages, its assessors the assessment page (the services check again on each).
    func roundWorkLinks(_ round: StoredRound, user: String?) async throws -> [NavLink] {
        guard let user, let person = try await app.person(named: user) else { return [] }
        let assessor = person.grants.contains { $0.role == .assessor && $0.scope.contains(round.id) }
        let staff = person.office == round.office && person.grants.contains { !$0.role.isPartnerRole }
        return (staff ? [NavLink(href: "/rounds/\(round.id)/applications", label: "Eligibility", current: false)] : [])
            + (assessor ? [NavLink(href: "/rounds/\(round.id)/assess", label: "Assessment", current: false)] : [])
            + (staff ? [NavLink(href: "/rounds/\(round.id)/moderation", label: "Moderation", current: false)] : [])
    }

    /// A London time as the pages write it: "30 June 2026 at 12:00".
    static func londonTime(_ time: LondonTime) -> String {
        "\(longDay(time.day)) at " + String(format: "%02d:%02d", time.hour, time.minute)
    }
}

/// Where a published round is now, by the clock: before its opening, between its opening and closing, or after.
enum RoundTiming {
    case upcoming, open, past

    init(_ round: StoredRound, now: Date) {
        if round.state != .open {
            self = .past
        } else if now < round.spec.opens.instant {
            self = .upcoming
        } else if now < round.spec.closes.instant {
            self = .open
        } else {
            self = .past
        }
    }
}

/// The state of a round as its tag reads.
func roundStateLabel(_ round: StoredRound, timing: RoundTiming) -> (label: String, tag: String) {
    switch (round.state, timing) {
    case (.open, .upcoming): ("Opening soon", "grey")
    case (.open, .open): ("Open", "open")
    case (.open, .past), (.closed, _): ("Closed", "closed")
    case (.recommended, _): ("Awaiting the Commissioner's decision", "decided")
    case (.decided, _): ("Decided", "decided")
    case (.draft, _): ("Draft", "draft")
    }
}

/// `/rounds`.
struct RoundListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var title, href, office, total, opens, closes, state, stateClass: String

        init(_ round: StoredRound, office: String) {
            title = round.spec.title
            href = "/rounds/\(round.id)"
            self.office = office
            total = round.spec.total.formatted
            opens = Web.londonTime(round.spec.opens)
            closes = Web.londonTime(round.spec.closes)
            (state, stateClass) = roundStateLabel(round, timing: .past)
        }
    }
    var open: [Row] = []
    var upcoming: [Row] = []
    var past: [Row] = []
}

/// `/rounds/ID`: what is published of a round, and nothing of its applications but the awards once decided.
struct RoundPage: Encodable, Sendable {
    struct Band: Encodable, Sendable { var name, minimum, maximum: String }
    struct Criterion: Encodable, Sendable {
        var name, weight: String
        var description: String?
    }
    struct ScalePoint: Encodable, Sendable { var score, descriptor: String }
    struct Question: Encodable, Sendable {
        var text: String
        var hint: String?
    }
    struct Award: Encodable, Sendable { var organisation, area, amount: String }

    var id, title, office, state, stateClass: String
    var summary: String?
    var applyHref: String?
    var facts: [Fact]
    var bands: [Band]
    var eligibility: [String]
    var criteria: [Criterion]
    var scale: [ScalePoint]
    var questions: [Question]
    var awards: [Award]
    var awardedTotal: String
    var decision: String
    /// The staff's and assessors' pages of the round, for a signed-in person who works on it.
    var staffLinks: [NavLink] = []

    init(_ round: StoredRound, office: String, timing: RoundTiming, awards published: [RoundAward]) {
        let spec = round.spec
        id = round.id
        title = spec.title
        self.office = office
        (state, stateClass) = roundStateLabel(round, timing: timing)
        applyHref = timing == .open ? "/applications/new?round=\(round.id)" : nil
        facts = [
            Fact(label: "Office", value: office),
            Fact(label: "Fund", value: "The \(spec.strand) strand, \(spec.year)"),
            Fact(label: "Total available", value: spec.total.formatted),
            Fact(label: "Opens", value: Web.londonTime(spec.opens) + " (London time)"),
            Fact(label: "Closes", value: Web.londonTime(spec.closes) + " (London time)"),
            Fact(
                label: "Reporting",
                value: spec.endOfGrantReport
                    ? "One end-of-grant report" : "Quarterly returns, as for the office's other grants"),
        ]
        var floor = Money.zero
        bands = spec.bands.bands.map { band in
            let from = floor == .zero ? "£0.01" : ((try? floor.adding(Money(pence: 1)!)) ?? floor).formatted
            if let upTo = band.upTo { floor = upTo }
            return Band(name: band.name, minimum: from, maximum: band.upTo?.formatted ?? "No upper limit")
        }
        let kinds = spec.eligibility.organisationKinds.map(Self.kindLabel)
        eligibility =
            (kinds.isEmpty ? [] : ["Organisations: " + kinds.joined(separator: ", ")])
            + (spec.eligibility.areas.isEmpty
                ? [] : ["For work in: " + spec.eligibility.areas.joined(separator: ", ")])
        criteria = spec.criteria.map { Criterion(name: $0.title, weight: String($0.weight)) }
        scale = spec.scale.points.map { ScalePoint(score: String($0.score), descriptor: $0.descriptor) }
        questions = spec.questions.map { q in
            Question(text: q.text, hint: q.maxWords.map { "at most \($0) words" })
        }
        awards = published.map {
            Award(organisation: $0.organisation, area: $0.area, amount: $0.amount.formatted)
        }
        awardedTotal =
            published.reduce(Money.zero) { (try? $0.adding($1.amount)) ?? $0 }.formatted
        decision = published.first?.decisionNumber ?? ""
    }

    static func kindLabel(_ kind: OrganisationKind) -> String {
        switch kind {
        case .charity: "registered charities"
        case .company: "companies (including community interest companies)"
        case .council: "councils"
        case .communityGroup: "constituted community groups"
        }
    }
}
