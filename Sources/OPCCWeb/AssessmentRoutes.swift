import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The officers' and assessors' pages of a round, signed in. `/rounds/ID/applications`: the submitted applications
/// and a form to mark each eligible or not with a reason. `/rounds/ID/assess`: each eligible application for an
/// assessor, a declaration of any conflict of interest, then a score and a comment per criterion; the others' scores
/// show only once the assessor's own are submitted (the services decide what each person may read).
/// `/rounds/ID/moderation`: the weighted scores, spread flags, the panel's moderated score and recommendation with
/// reasons, and the button that raises the decision record from the recommendations.
extension Web {
    func addAssessmentRoutes(to router: RouterGroup<WebContext>) {
        router.get("/rounds/:id/applications") { request, context -> Response in
            try await roundManagePage(
                try context.parameters.require("id"), user: try context.signedIn(),
                done: request.uri.queryParameters["done"].map(String.init), context: context)
        }
        router.post("/rounds/:id/applications/:application/eligibility") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let id = try context.parameters.require("id")
            let application = try context.parameters.require("application")
            let field = "eligibility-\(application)-reason"
            return try await formAct(
                fallback: field,
                rerender: { errors in
                    try await roundManagePage(id, user: user, errors: errors, context: context)
                }
            ) {
                guard let choice = form["eligible"], choice == "yes" || choice == "no" else {
                    throw ServiceRefusal(rule: .validChoice, message: "choose eligible or not eligible")
                }
                try await app.markEligibility(
                    application, eligible: choice == "yes", reason: form["reason"] ?? "", by: user)
                return .redirect(to: "/rounds/\(id)/applications?done=eligibility", type: .normal)
            }
        }
        router.get("/rounds/:id/assess") { request, context -> Response in
            try await assessPage(
                try context.parameters.require("id"), user: try context.signedIn(),
                done: request.uri.queryParameters["done"].map(String.init), context: context)
        }
        router.post("/rounds/:id/assess/:application/conflict") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let id = try context.parameters.require("id")
            let application = try context.parameters.require("application")
            return try await formAct(
                fallback: "conflict-\(application)-note",
                rerender: { errors in try await assessPage(id, user: user, errors: errors, context: context) }
            ) {
                guard let choice = form["conflicted"], choice == "yes" || choice == "no" else {
                    throw ServiceRefusal(rule: .validChoice, message: "say whether you have a conflict of interest")
                }
                try await app.declareConflict(
                    application, conflicted: choice == "yes", note: form["note"] ?? "", by: user)
                return .redirect(to: "/rounds/\(id)/assess?done=declared#assess-\(application)", type: .normal)
            }
        }
        router.post("/rounds/:id/assess/:application/score") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let id = try context.parameters.require("id")
            let application = try context.parameters.require("application")
            let round = try await found { try await app.round(id, by: user) }
            var problems: [FieldError] = []
            var scores: [CriterionScore] = []
            for (index, criterion) in round.spec.criteria.enumerated() {
                guard let text = form["score-\(index)"], let score = Int(text) else {
                    problems.append(
                        FieldError(
                            field: "score-\(application)-\(index)-score",
                            message: "Choose a score for '\(criterion.title)'"))
                    continue
                }
                scores.append(
                    CriterionScore(criterion: criterion.id, score: score, comment: form["comment-\(index)"] ?? ""))
            }
            let rerender = { (errors: [FieldError]) in
                try await assessPage(id, user: user, errors: errors, entered: (application, form), context: context)
            }
            guard problems.isEmpty else { return try await rerender(problems) }
            return try await formAct(
                fallback: "score-\(application)-0-score",
                fields: [:], rerender: rerender
            ) {
                _ = try await app.submitScores(application, scores: scores, by: user)
                return .redirect(to: "/rounds/\(id)/assess?done=scored#assess-\(application)", type: .normal)
            }
        }
        router.get("/rounds/:id/moderation") { request, context -> Response in
            try await moderationPage(
                try context.parameters.require("id"), user: try context.signedIn(),
                done: request.uri.queryParameters["done"].map(String.init), context: context)
        }
        router.post("/rounds/:id/moderation/:application") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let id = try context.parameters.require("id")
            let application = try context.parameters.require("application")
            let entered = (application, form)
            let rerender = { (errors: [FieldError]) in
                try await moderationPage(id, user: user, errors: errors, entered: entered, context: context)
            }
            let read = Self.recommendation(form, application: application)
            guard read.problems.isEmpty, let recommendation = read.value else {
                return try await rerender(read.problems)
            }
            return try await formAct(fallback: "moderate-\(application)-reason", rerender: rerender) {
                _ = try await app.recommend(
                    application, moderatedBasisPoints: recommendation.basisPoints,
                    recommendation: recommendation.recommendation, amount: recommendation.amount,
                    reasons: form["reason"] ?? "", by: user)
                return .redirect(to: "/rounds/\(id)/moderation?done=recommended", type: .normal)
            }
        }
        router.post("/rounds/:id/close") { request, context -> Response in
            let user = try context.signedIn()
            _ = try await form(request, context)
            let id = try context.parameters.require("id")
            return try await formAct(
                fallback: "round-close",
                rerender: { errors in try await moderationPage(id, user: user, errors: errors, context: context) }
            ) {
                _ = try await app.closeRound(id, by: user)
                return .redirect(to: "/rounds/\(id)/moderation?done=closed", type: .normal)
            }
        }
        router.post("/rounds/:id/decision") { request, context -> Response in
            let user = try context.signedIn()
            _ = try await form(request, context)
            let id = try context.parameters.require("id")
            return try await formAct(
                fallback: "round-decision",
                rerender: { errors in try await moderationPage(id, user: user, errors: errors, context: context) }
            ) {
                let decision = try await app.raiseRoundDecision(round: id, by: user)
                return .redirect(to: "/decisions/\(decision)", type: .normal)
            }
        }
    }

    /// Whether `user` is of the round's office's staff (an office-wide role that is not a partner's): the eligibility
    /// and moderation pages are theirs; the services check the role again on every act.
    func worksFor(_ round: StoredRound, _ user: String) async throws -> Bool {
        guard let person = try await app.person(named: user) else { return false }
        return person.office == round.office && person.grants.contains { $0.scope.isEmpty && !$0.role.isPartnerRole }
    }

    /// The moderation form as typed: the moderated score as a percentage (72.5), the recommendation and, for a
    /// reduced award, the amount.
    static func recommendation(
        _ form: Form, application: String
    ) -> (value: (basisPoints: Int, recommendation: Recommendation, amount: Money?)?, problems: [FieldError]) {
        var problems: [FieldError] = []
        let scoreText = (form["score"] ?? "").trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "%", with: "")
        let basisPoints = Self.basisPoints(scoreText)
        if basisPoints == nil {
            problems.append(
                FieldError(
                    field: "moderate-\(application)-score",
                    message: "Enter the moderated score as a percentage from 0 to 100, like 72.5"))
        }
        let recommendation = form["recommendation"].flatMap(Recommendation.init(rawValue:))
        if recommendation == nil {
            problems.append(
                FieldError(field: "moderate-\(application)-award", message: "Choose award, a reduced award or decline"))
        }
        var amount: Money?
        let amountText = (form["amount"] ?? "").trimmingCharacters(in: .whitespaces)
        if !amountText.isEmpty {
            if let money = try? Money(parsing: amountText), money > .zero {
                amount = money
            } else {
                problems.append(
                    FieldError(
                        field: "moderate-\(application)-amount",
                        message: "Enter the amount to award in pounds, like £3,500"))
            }
        }
        guard problems.isEmpty, let basisPoints, let recommendation else { return (nil, problems) }
        return ((basisPoints, recommendation, recommendation == .decline ? nil : amount), [])
    }

    /// "72.5" as 7250 basis points; nil unless a number from 0 to 100 with at most two decimals.
    static func basisPoints(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), parts[0].allSatisfy(\.isASCII),
            parts[0].allSatisfy(\.isNumber), (0...100).contains(whole)
        else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let total = whole * 100 + fraction
        return total <= 10_000 ? total : nil
    }

    func roundManagePage(
        _ id: String, user: String, done: String? = nil, errors: [FieldError] = [], context: WebContext
    ) async throws -> Response {
        let round = try await found { try await app.round(id, by: user) }
        guard try await worksFor(round, user) else {
            return notYours("mark the round's applications", context: context)
        }
        let applications = try await app.applications(round: id, by: user)
        let names = try await officeNames()
        let fe = fieldErrors(errors)
        let model = RoundManagePage(
            errors: errors, banner: done.flatMap { RoundBanner(rawValue: $0) }?.message, round: round,
            office: names[round.office] ?? round.office,
            rows: applications.filter { $0.state != .draft }.map(RoundManagePage.Row.init),
            marking: applications.filter { $0.state == .submitted }.map { application in
                RoundManagePage.Marking(
                    round: id, id: application.id, title: application.draft.title,
                    organisation: application.organisation.name,
                    error: fe["eligibility_\(application.id)_reason".replacingOccurrences(of: "-", with: "_")])
            })
        return try pages.page(
            "round-manage", title: (errors.isEmpty ? "" : "Error: ") + "Applications to \(round.spec.title)",
            model: model, context: context, back: "/rounds/\(id)",
            status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func assessPage(
        _ id: String, user: String, done: String? = nil, errors: [FieldError] = [],
        entered: (application: String, form: Form)? = nil, context: WebContext
    ) async throws -> Response {
        let round = try await found { try await app.round(id, by: user) }
        let applications = try await app.applications(round: id, by: user).filter {
            $0.state != .draft && $0.state != .submitted && $0.state != .ineligible
        }
        let names = try await officeNames()
        let fe = fieldErrors(errors)
        let person = try await app.person(named: user)
        let isAssessor =
            person?.grants.contains { $0.role == .assessor && ($0.scope.isEmpty || $0.scope.contains(id)) } ?? false
        var sections: [AssessPage.Application] = []
        for application in applications {
            let view = try await app.scores(of: application.id, by: user)
            let form = entered?.application == application.id ? entered?.form : nil
            sections.append(
                AssessPage.Application(
                    application, round: round, view: view, user: user, isAssessor: isAssessor, form: form, fe: fe))
        }
        let scale = round.spec.scale.points.map { "\($0.score) \($0.descriptor)" }.joined(separator: "; ")
        let model = AssessPage(
            errors: errors, banner: done.flatMap { RoundBanner(rawValue: $0) }?.message, id: id,
            title: round.spec.title, office: names[round.office] ?? round.office, scale: scale,
            applications: sections)
        return try pages.page(
            "assess", title: (errors.isEmpty ? "" : "Error: ") + "Assess \(round.spec.title)", model: model,
            context: context, back: "/rounds/\(id)", status: errors.isEmpty ? .ok : .unprocessableContent,
            menu: person.flatMap(PartnerMenu.init))
    }

    func moderationPage(
        _ id: String, user: String, done: String? = nil, errors: [FieldError] = [],
        entered: (application: String, form: Form)? = nil, context: WebContext
    ) async throws -> Response {
        let round = try await found { try await app.round(id, by: user) }
        guard try await worksFor(round, user) else { return notYours("moderate the round", context: context) }
        let rows = round.state == .open || round.state == .draft ? [] : try await app.moderation(round: id, by: user)
        let closes = round.state == .open && app.clock.now() >= round.spec.closes.instant
        let names = try await officeNames()
        let fe = fieldErrors(errors)
        let model = ModerationPage(
            errors: errors, banner: done.flatMap { RoundBanner(rawValue: $0) }?.message, id: id,
            title: round.spec.title, office: names[round.office] ?? round.office,
            spread: "\(round.spec.spreadThresholdPercent) percentage points",
            rows: rows.map(ModerationPage.Row.init),
            forms: round.state == .closed
                ? rows.map { row in
                    ModerationPage.Form(
                        row, round: id, form: entered?.application == row.application.id ? entered?.form : nil, fe: fe)
                } : [],
            mayClose: closes, closes: Self.londonTime(round.spec.closes),
            mayDecide: round.state == .closed && !rows.isEmpty && rows.allSatisfy { $0.recommendation != nil },
            decision: round.decisionID.map { "/decisions/\($0)" }, decisionLabel: round.decisionID ?? "")
        return try pages.page(
            "moderation", title: (errors.isEmpty ? "" : "Error: ") + "Moderation of \(round.spec.title)",
            model: model, context: context, back: "/rounds/\(id)", status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

/// The banners of the officers' and assessors' steps, by the step's name in the address.
enum RoundBanner: String, Sendable {
    case eligibility, declared, scored, recommended, closed

    var message: String {
        switch self {
        case .eligibility: "The eligibility is recorded."
        case .declared: "Your declaration is recorded."
        case .scored: "Your scores are submitted. The other assessors' scores are shown below."
        case .recommended: "The panel's recommendation is recorded."
        case .closed: "The round is closed to applications: moderation can begin."
        }
    }
}

/// `/rounds/ID/applications`.
struct RoundManagePage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var id, title, organisation, requested, state, stateClass, eligibility: String

        init(_ application: StoredApplication) {
            id = application.id
            title = application.draft.title
            organisation = "\(application.organisation.name) (\(application.organisation.orgID))"
            requested = application.draft.amountRequested.formatted
            state = applicationStateLabel(application.state)
            stateClass = application.state.rawValue
            switch application.state {
            case .draft, .submitted: eligibility = "Not yet marked"
            case .ineligible: eligibility = "Not eligible"
            case .eligible, .recommended, .awarded, .declined: eligibility = "Eligible"
            }
        }
    }
    struct Marking: Encodable, Sendable {
        var round, id, title, organisation: String
        var error: String?
    }
    var errors: [FieldError]
    var banner: String?
    var id, title, office, state, stateClass: String
    var rows: [Row]
    var marking: [Marking]

    init(
        errors: [FieldError], banner: String?, round: StoredRound, office: String, rows: [Row], marking: [Marking]
    ) {
        self.errors = errors
        self.banner = banner
        id = round.id
        title = round.spec.title
        self.office = office
        (state, stateClass) = roundStateLabel(round, timing: .past)
        self.rows = rows
        self.marking = marking
    }
}

/// `/rounds/ID/assess`.
struct AssessPage: Encodable, Sendable {
    struct Option: Encodable, Sendable {
        var value, label: String
        var selected: Bool
    }
    struct Criterion: Encodable, Sendable {
        var app, index, name, weight, comment: String
        var error: String?
        var options: [Option]
    }
    struct Score: Encodable, Sendable { var assessor, weighted, comments: String }
    struct Application: Encodable, Sendable {
        var round, id, title, organisation, requested, area: String
        var answers: [Fact]
        var conflicted, mayDeclare, mayScore, mine: Bool
        var conflictError: String?
        var criteria: [Criterion]
        var scores: [Score]
        var hidden: String?

        init(
            _ application: StoredApplication, round: StoredRound, view: ApplicationScoresView, user: String,
            isAssessor: Bool, form: Form?, fe: [String: String]
        ) {
            self.round = round.id
            id = application.id
            title = application.draft.title
            organisation = "\(application.organisation.name) (\(application.organisation.orgID))"
            requested = application.draft.amountRequested.formatted
            area = application.draft.area
            answers = round.spec.questions.map {
                Fact(label: $0.text, value: application.draft.answers[$0.id] ?? "")
            }
            let declaration = view.conflicts.first { $0.assessor == user }
            conflicted = declaration?.conflicted ?? false
            mayDeclare = isAssessor && declaration == nil
            mayScore = isAssessor && declaration?.conflicted == false && view.own == nil
            mine = view.own != nil
            let key = { (s: String) in s.replacingOccurrences(of: "-", with: "_") }
            conflictError = fe[key("conflict-\(application.id)-note")]
            criteria = round.spec.criteria.enumerated().map { index, criterion in
                let chosen = form?["score-\(index)"]
                return Criterion(
                    app: application.id, index: String(index), name: criterion.title, weight: String(criterion.weight),
                    comment: form?["comment-\(index)"] ?? "",
                    error: fe[key("score-\(application.id)-\(index)-score")],
                    options: round.spec.scale.points.map {
                        Option(
                            value: String($0.score), label: "\($0.score): \($0.descriptor)",
                            selected: chosen == String($0.score))
                    })
            }
            let titles = Dictionary(round.spec.criteria.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
            // The services hide the others' scores from an assessor who has not submitted (`othersHidden`).
            let hide = view.othersHidden
            scores = (hide ? [] : [view.own].compactMap { $0 } + view.others).map { score in
                Score(
                    assessor: score.assessor == user ? "You" : score.assessor,
                    weighted: WeightedScore.percent(score.weightedBasisPoints),
                    comments: score.scores.map { "\(titles[$0.criterion] ?? $0.criterion): \($0.score). \($0.comment)" }
                        .joined(separator: "\n"))
            }
            hidden = hide ? "The other assessors' scores are hidden until you submit yours." : nil
        }
    }
    var errors: [FieldError]
    var banner: String?
    var id, title, office, scale: String
    var applications: [Application]
}

/// `/rounds/ID/moderation`.
struct ModerationPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var id, organisation, requested, scores, mean, spread, recommendation: String
        var flagged: Bool

        init(_ row: ModerationRow) {
            id = row.application.id
            organisation = row.application.organisation.name
            requested = row.application.draft.amountRequested.formatted
            scores = row.assessorBasisPoints.sorted { $0.key < $1.key }.map {
                "\($0.key): \(WeightedScore.percent($0.value))"
            }.joined(separator: "; ")
            mean = row.meanBasisPoints.map(WeightedScore.percent) ?? "Not yet scored"
            spread = WeightedScore.percent(row.spreadBasisPoints)
            flagged = row.spreadFlag
            recommendation =
                row.recommendation.map { recommended in
                    let amount = recommended.amount.map { " \($0.formatted)" } ?? ""
                    return "\(ModerationPage.label(recommended.recommendation))\(amount) at "
                        + "\(WeightedScore.percent(recommended.moderatedBasisPoints)): \(recommended.reasons)"
                } ?? "Not yet recorded"
        }
    }
    struct Choice: Encodable, Sendable {
        var app, value, label: String
        var selected: Bool
    }
    struct Form: Encodable, Sendable {
        var round, id, title, organisation, requested, score, amount, reason: String
        var choices: [Choice]
        var scoreError, amountError, reasonError: String?

        init(_ row: ModerationRow, round: String, form: OPCCWeb.Form?, fe: [String: String]) {
            let id = row.application.id
            self.round = round
            self.id = id
            title = row.application.draft.title
            organisation = row.application.organisation.name
            requested = row.application.draft.amountRequested.formatted
            let recorded = row.recommendation
            score =
                form?["score"]
                ?? (recorded?.moderatedBasisPoints ?? row.meanBasisPoints).map {
                    String(format: "%.2f", Double($0) / 100)
                }
                ?? ""
            amount = form?["amount"] ?? recorded?.amount?.formatted ?? ""
            reason = form?["reason"] ?? recorded?.reasons ?? ""
            let chosen = form?["recommendation"] ?? recorded?.recommendation.rawValue ?? ""
            choices = Recommendation.allCases.map {
                Choice(app: id, value: $0.rawValue, label: ModerationPage.label($0), selected: chosen == $0.rawValue)
            }
            let key = { (s: String) in s.replacingOccurrences(of: "-", with: "_") }
            scoreError = fe[key("moderate-\(id)-score")]
            amountError = fe[key("moderate-\(id)-amount")]
            reasonError =
                [fe[key("moderate-\(id)-reason")], fe[key("moderate-\(id)-award")]].compactMap { $0 }
                .first
        }
    }
    var errors: [FieldError]
    var banner: String?
    var id, title, office, spread: String
    var rows: [Row]
    var forms: [Form]
    var mayClose: Bool
    var closes: String
    var mayDecide: Bool
    var decision: String?
    var decisionLabel: String

    static func label(_ recommendation: Recommendation) -> String {
        switch recommendation {
        case .award: "Award the amount asked for"
        case .awardReduced: "Award a reduced amount"
        case .decline: "Decline"
        }
    }
}
