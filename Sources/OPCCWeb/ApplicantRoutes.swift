import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// A partner organisation's pages. `/sign-up` (signed out): the organisation's name and its charity or company
/// number (its 360Giving org-id), the person's name, email address and sign-in name; its form is signed for the
/// browser's sign-in nonce like the sign-in form, its posts are throttled like sign-ins, and it answers by mailing a
/// one-time link (`/account/link/TOKEN`) with which the person verifies the address and chooses a password.
/// `/applications` (signed in): the organisation's own applications only, and the open rounds; `/applications/ID`: the
/// application form (the round's questions, the budget by line, which must add up to the amount asked, the area, the
/// outcomes), saved as a draft as often as wanted and submitted before the close.
extension Web {
    func addSignUpRoutes(to router: some RouterMethods<WebContext>) {
        // The form lives under /sign-in, where the browser's sign-in nonce cookie is sent (its path), as the reset
        // request's does; /sign-up, the address people are given, leads to it.
        router.get("/sign-up") { request, _ -> Response in
            let round = request.uri.queryParameters["round"].map(String.init) ?? ""
            let query =
                round.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~")))
                ?? ""
            return .redirect(to: "/sign-in/sign-up" + (query.isEmpty ? "" : "?round=\(query)"), type: .found)
        }
        router.get("/sign-in/sign-up") { request, context -> Response in
            let sent = request.cookies[signInCookieName]?.value
            var entered = SignUpEntered()
            entered.round = request.uri.queryParameters["round"].map(String.init) ?? ""
            return try await signUpPage(
                nonce: sent.flatMap { isNonce($0) ? $0 : nil }, entered: entered, context: context)
        }
        router.post("/sign-in/sign-up") { request, context -> Response in
            let (form, nonce) = try await signInForm(request)
            let entered = SignUpEntered(form)
            var reader = FormReader(form, prefix: "signup")
            let organisation = entered.organisation(&reader)
            let office = try await entered.office(&reader, app: app, now: app.clock.now())
            _ = reader.text("displayName", "Enter your name")
            _ = reader.text("email", "Enter your email address")
            _ = reader.text("name", "Choose a sign-in name")
            guard reader.problems.isEmpty, let organisation, let office else {
                return try await signUpPage(
                    nonce: nonce, entered: entered, errors: reader.problems, status: .unprocessableContent,
                    context: context)
            }
            do {
                let answer = try await app.signUpApplicant(
                    name: entered.name, displayName: entered.displayName, email: entered.email,
                    organisation: organisation, office: office, address: address(of: request, context),
                    throttle: throttle, linkBase: publicURL)
                switch answer {
                case .wait(let seconds):
                    context.logger.notice("sign-up throttled")
                    var response = try await signUpPage(
                        nonce: nonce, entered: entered,
                        errors: [
                            FieldError(
                                field: "signup-name",
                                message: "Too many sign-ups. Wait \(Self.spoken(seconds: seconds)) and try again.")
                        ], status: .tooManyRequests, context: context)
                    response.headers[.retryAfter] = String(seconds)
                    return response
                case .linkSent:
                    return try pages.page("sign-up-sent", title: "Check your email", model: Empty(), context: context)
                }
            } catch let error
                where Refusal.status(of: error) == .unprocessableContent
                || Refusal.status(of: error) == .conflict
            {
                let errors = Refusal.details(of: error).map {
                    FieldError(field: Self.signUpField($0.rule, $0.message), message: $0.message)
                }
                return try await signUpPage(
                    nonce: nonce, entered: entered, errors: errors, status: .unprocessableContent, context: context)
            }
        }
    }

    /// The input a sign-up refusal is about, by its rule.
    static func signUpField(_ rule: String, _ message: String) -> String {
        switch ServiceRefusal.Rule(rawValue: rule) {
        case .personName, .knownPerson, .signUpNameFree: return "signup-name"
        case .emailAddress: return "signup-email"
        case .partnerOrgId: return "signup-number"
        case .roundKnown, .roundStateAllows: return "signup-round"
        default: return message.lowercased().contains("organisation") ? "signup-organisation" : "signup-displayName"
        }
    }

    func signUpPage(
        nonce: String?, entered: SignUpEntered, errors: [FieldError]? = nil, status: HTTPResponse.Status = .ok,
        context: WebContext
    ) async throws -> Response {
        let nonce = nonce ?? randomToken()
        var model = entered
        model.csrf = signInForms.token(for: nonce, at: app.clock.now())
        model.errors = errors
        model.fe = fieldErrors(errors ?? [])
        model.kinds = SignUpEntered.registers.map {
            Choice(value: $0.value, label: $0.label, selected: $0.value == entered.kind)
        }
        let now = app.clock.now()
        let names = try await officeNames()
        model.rounds = try await app.rounds(office: nil, by: nil).filter { RoundTiming($0, now: now) == .open }.map {
            Choice(
                value: $0.id, label: "\($0.spec.title) (\(names[$0.office] ?? $0.office))",
                selected: $0.id == entered.round)
        }
        var response = try pages.page(
            "sign-up", title: (errors == nil ? "" : "Error: ") + "Sign up your organisation", model: model,
            context: context, back: "/rounds", status: status)
        response.setCookie(signInCookie(nonce))
        return response
    }

    /// What the sign-up form holds, entered or to show again.
    struct SignUpEntered: Encodable, Sendable {
        /// The registers an org-id may come from, as the form offers them.
        static let registers: [(value: String, label: String, prefix: String, kind: OrganisationKind)] = [
            ("charity", "A registered charity (charity number)", "GB-CHC-", .charity),
            (
                "company", "A company, community interest company or company limited by guarantee (company number)",
                "GB-COH-", .company
            ),
        ]
        var organisationName = "", kind = "", number = "", displayName = "", email = "", name = "", round = ""
        var csrf = ""
        var errors: [FieldError]?
        var fe: [String: String] = [:]
        var kinds: [Choice] = []
        var rounds: [Choice] = []

        init() {}

        init(_ form: Form) {
            organisationName = form["organisation"] ?? ""
            kind = form["kind"] ?? ""
            number = form["number"] ?? ""
            displayName = form["displayName"] ?? ""
            email = form["email"] ?? ""
            name = form["name"] ?? ""
            round = form["round"] ?? ""
        }

        enum CodingKeys: String, CodingKey {
            case organisation = "organisation", kind, number, displayName, email, name, round, csrf, errors, fe, kinds,
                rounds
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(organisationName, forKey: .organisation)
            try c.encode(kind, forKey: .kind)
            try c.encode(number, forKey: .number)
            try c.encode(displayName, forKey: .displayName)
            try c.encode(email, forKey: .email)
            try c.encode(name, forKey: .name)
            try c.encode(round, forKey: .round)
            try c.encode(csrf, forKey: .csrf)
            try c.encodeIfPresent(errors, forKey: .errors)
            try c.encode(fe, forKey: .fe)
            try c.encode(kinds, forKey: .kinds)
            try c.encode(rounds, forKey: .rounds)
        }

        /// The organisation as 360Giving identifies it, or nil with a problem at its field.
        func organisation(_ reader: inout FormReader) -> PartnerOrganisation? {
            let name = organisationName.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { reader.problem("organisation", "Enter your organisation's name") }
            guard let register = Self.registers.first(where: { $0.value == kind }) else {
                reader.problem("kind", "Choose whether your organisation is a registered charity or a company")
                return nil
            }
            let typed = number.trimmingCharacters(in: .whitespaces).uppercased()
                .replacingOccurrences(of: " ", with: "")
            guard !typed.isEmpty else {
                reader.problem("number", "Enter your organisation's \(register.value) number")
                return nil
            }
            let orgID = typed.hasPrefix("GB-") ? typed : register.prefix + typed
            if let problem = PartnerOrganisation.orgIDProblem(orgID) {
                reader.problem("number", problem)
                return nil
            }
            return name.isEmpty ? nil : PartnerOrganisation(orgID: orgID, name: name, kind: register.kind)
        }

        /// The office of the round chosen (it must be open), or nil with a problem at its field.
        func office(_ reader: inout FormReader, app: Commissioning, now: Date) async throws -> String? {
            guard !round.isEmpty, let chosen = try? await app.round(round, by: nil),
                RoundTiming(chosen, now: now) == .open
            else {
                reader.problem("round", "Choose the round you are applying to")
                return nil
            }
            return chosen.office
        }
    }
}

/// The applicant's pages, signed in.
extension Web {
    func addApplicantRoutes(to router: RouterGroup<WebContext>) {
        router.get("/applications") { request, context -> Response in
            try await applicationListPage(
                user: try context.signedIn(), done: request.uri.queryParameters["done"].map(String.init),
                context: context)
        }
        router.get("/applications/new") { request, context -> Response in
            let roundID = request.uri.queryParameters["round"].map(String.init) ?? ""
            let round = try await found { try await app.round(roundID, by: try context.signedIn()) }
            return try await applicationFormPage(
                ApplicationForm(round: round, entered: .init(round: round)), context: context)
        }
        router.post("/applications/new") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let roundID = request.uri.queryParameters["round"].map(String.init) ?? form["round"] ?? ""
            let round = try await found { try await app.round(roundID, by: user) }
            let entered = ApplicationEntered(form, round: round)
            let read = entered.draft()
            guard read.problems.isEmpty, let draft = read.draft else {
                return try await applicationFormPage(
                    ApplicationForm(round: round, entered: entered, errors: read.problems), context: context)
            }
            return try await applicationAct(round: round, entered: entered, context: context) {
                let started = try await app.startApplication(round: round.id, draft: draft, by: user)
                return .redirect(to: "/applications/\(started.id)?done=saved", type: .normal)
            }
        }
        router.get("/applications/:id") { request, context -> Response in
            let user = try context.signedIn()
            let id = try context.parameters.require("id")
            let application = try await found { try await app.application(id, by: user) }
            let round = try await found { try await app.round(application.roundID, by: user) }
            var model = ApplicationForm(
                round: round, application: application, entered: .init(application, round: round))
            model.banner =
                request.uri.queryParameters["done"].flatMap { ApplicationBanner(rawValue: String($0)) }?
                .message
            return try await applicationFormPage(model, context: context)
        }
        router.post("/applications/:id") { request, context -> Response in
            try await saveApplicationForm(request, context, submit: false)
        }
        router.post("/applications/:id/submit") { request, context -> Response in
            try await saveApplicationForm(request, context, submit: true)
        }
    }

    /// Saves the form as the draft and, when `submit`, submits it: a refusal comes back as the form with what was
    /// entered, each message beside its field. The save and the submission are two acts: a submission refused (late,
    /// a missing answer, a budget that does not add up) leaves the draft saved, and the page says so.
    func saveApplicationForm(_ request: Request, _ context: WebContext, submit: Bool) async throws -> Response {
        let user = try context.signedIn()
        let form = try await form(request, context)
        let id = try context.parameters.require("id")
        let application = try await found { try await app.application(id, by: user) }
        let round = try await found { try await app.round(application.roundID, by: user) }
        let entered = ApplicationEntered(form, round: round)
        let read = entered.draft()
        guard read.problems.isEmpty, let draft = read.draft else {
            return try await applicationFormPage(
                ApplicationForm(round: round, application: application, entered: entered, errors: read.problems),
                context: context)
        }
        var saved = false
        return try await applicationAct(
            round: round, application: application, entered: entered, saved: { saved }, context: context
        ) {
            _ = try await app.saveApplication(id, draft: draft, by: user)
            saved = true
            guard submit else { return .redirect(to: "/applications/\(id)?done=saved", type: .normal) }
            _ = try await app.submitApplication(id, by: user)
            return .redirect(to: "/applications/\(id)?done=submitted", type: .normal)
        }
    }

    /// Runs an application act: a refusal of what was entered (or of a late submission) comes back as the form.
    func applicationAct(
        round: StoredRound, application: StoredApplication? = nil, entered: ApplicationEntered,
        saved: () -> Bool = { false }, context: WebContext, _ body: () async throws -> Response
    ) async throws -> Response {
        try await formAct(
            correctable: { status, _ in status == .unprocessableContent || status == .conflict },
            field: { entered.field(for: $0.rule, $0.message) },
            rerender: { errors, status in
                var model = ApplicationForm(round: round, application: application, entered: entered, errors: errors)
                if saved() { model.banner = ApplicationBanner.savedNotSubmitted.message }
                return try await applicationFormPage(model, context: context, status: status)
            }, body)
    }

    func applicationFormPage(
        _ model: ApplicationForm, context: WebContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let refused = !(model.errors ?? []).isEmpty
        return try pages.page(
            "application", title: (refused ? "Error: " : "") + model.heading, model: model, context: context,
            back: "/applications", status: refused && status == .ok ? .unprocessableContent : status,
            menu: try await partnerMenu(context.user))
    }

    func applicationListPage(user: String, done: String?, context: WebContext) async throws -> Response {
        let applications = try await app.applications(round: nil, by: user)
        let rounds = try await app.rounds(office: nil, by: nil)
        let names = try await officeNames()
        let titles = Dictionary(rounds.map { ($0.id, $0.spec.title) }, uniquingKeysWith: { a, _ in a })
        let now = app.clock.now()
        let model = ApplicationListPage(
            banner: done.flatMap { ApplicationBanner(rawValue: $0) }?.message,
            organisation: applications.first?.organisation.name ?? "your organisation",
            rows: applications.map { application in
                ApplicationListPage.Row(
                    title: application.draft.title.isEmpty ? application.id : application.draft.title,
                    href: "/applications/\(application.id)", round: titles[application.roundID] ?? application.roundID,
                    requested: application.draft.amountRequested.formatted,
                    state: applicationStateLabel(application.state), stateClass: application.state.rawValue)
            },
            open: rounds.filter { RoundTiming($0, now: now) == .open }.map {
                ApplicationListPage.OpenRound(
                    title: $0.spec.title, href: "/applications/new?round=\($0.id)",
                    office: names[$0.office] ?? $0.office,
                    closes: Self.londonTime($0.spec.closes))
            })
        return try pages.page(
            "applications", title: "Your applications", model: model, context: context,
            menu: try await partnerMenu(user))
    }
}

extension Web {
    /// Where a partner (a person holding only partner roles: an applicant, an assessor from outside the office) starts:
    /// their applications, or the assessment of their round. Nil for the office's staff, whose home is `/home`.
    /// The header of the signed-in person when they are a partner (see `PartnerMenu`); nil for staff and the public.
    func partnerMenu(_ user: String?) async throws -> PartnerMenu? {
        guard let user, let person = try await app.person(named: user) else { return nil }
        return PartnerMenu(person)
    }

    static func partnerHome(_ person: StoredPerson) -> String? {
        guard !person.grants.isEmpty, person.grants.allSatisfy({ $0.role.isPartnerRole }) else { return nil }
        if person.grants.contains(where: { $0.role == .applicant }) { return "/applications" }
        let round = person.grants.first { $0.role == .assessor }?.scope.first
        return round.map { "/rounds/\($0)/assess" } ?? "/rounds"
    }
}

/// The banners of the applicant's steps (post/redirect/get): the step's name in the address, never a typed text.
enum ApplicationBanner: String, Sendable {
    case saved, submitted, savedNotSubmitted

    var message: String {
        switch self {
        case .saved: "Your draft is saved. Nothing is sent until you submit it."
        case .submitted: "Your application is submitted. The office will tell you the outcome by email."
        case .savedNotSubmitted: "Your draft is saved, but it is not submitted: see the problem below."
        }
    }
}

func applicationStateLabel(_ state: ApplicationState) -> String {
    switch state {
    case .draft: "Draft"
    case .submitted: "Submitted"
    case .eligible: "Eligible, being assessed"
    case .ineligible: "Not eligible"
    case .recommended: "Recommended by the panel"
    case .awarded: "Awarded"
    case .declined: "Declined"
    }
}

/// `/applications`.
struct ApplicationListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var title, href, round, requested, state, stateClass: String }
    struct OpenRound: Encodable, Sendable { var title, href, office, closes: String }
    var banner: String?
    var organisation: String
    var rows: [Row]
    var open: [OpenRound]
}

/// What the application form holds as typed: read into an `ApplicationDraft`, or shown again after a refusal.
struct ApplicationEntered: Sendable {
    var title = ""
    /// By question, in the round's order.
    var answers: [String] = []
    var lines: [(description: String, amount: String)] = []
    var requested = ""
    var area = ""
    var outcomes = ""
    let questions: [RoundQuestion]

    /// Blank lines the form offers beyond those filled in.
    static let spareLines = 3
    /// The most budget lines a form may carry.
    static let maximumLines = 100

    init(round: StoredRound) {
        questions = round.spec.questions
        answers = questions.map { _ in "" }
    }

    init(_ application: StoredApplication, round: StoredRound) {
        self.init(round: round)
        let draft = application.draft
        title = draft.title
        answers = questions.map { draft.answers[$0.id] ?? "" }
        lines = draft.budget.map { ($0.item, $0.amount.formatted) }
        requested = draft.amountRequested == .zero ? "" : draft.amountRequested.formatted
        area = draft.area
        outcomes = draft.outcomes.joined(separator: "\n")
    }

    init(_ form: Form, round: StoredRound) {
        self.init(round: round)
        title = form["title"] ?? ""
        answers = questions.indices.map { form["question-\($0)"] ?? "" }
        for index in 0..<Self.maximumLines {
            guard let description = form["line-\(index)-description"] else { break }
            lines.append((description, form["line-\(index)-amount"] ?? ""))
        }
        requested = form["requested"] ?? ""
        area = form["area"] ?? ""
        outcomes = form["outcomes"] ?? ""
    }

    /// The draft the form says, or the problems that stop it being read (each at its field).
    func draft() -> (draft: ApplicationDraft?, problems: [FieldError]) {
        var problems: [FieldError] = []
        var budget: [BudgetLine] = []
        for (index, line) in lines.enumerated() {
            let item = line.description.trimmingCharacters(in: .whitespacesAndNewlines)
            let amountText = line.amount.trimmingCharacters(in: .whitespaces)
            if item.isEmpty && amountText.isEmpty { continue }
            guard !item.isEmpty else {
                problems.append(
                    FieldError(field: "line-\(index)-description", message: "Say what item \(index + 1) is for"))
                continue
            }
            guard let amount = try? Money(parsing: amountText), amount > .zero else {
                problems.append(
                    FieldError(
                        field: "line-\(index)-amount",
                        message: "Enter the cost of item \(index + 1) in pounds, like £1,200 or 1200.00"))
                continue
            }
            budget.append(BudgetLine(item: item, amount: amount))
        }
        var amountRequested = Money.zero
        let requestedText = requested.trimmingCharacters(in: .whitespaces)
        if !requestedText.isEmpty {
            if let money = try? Money(parsing: requestedText), money > .zero {
                amountRequested = money
            } else {
                problems.append(
                    FieldError(
                        field: "application-requested",
                        message: "Enter the amount you ask for in pounds, like £4,500 or 4500.00"))
            }
        }
        guard problems.isEmpty else { return (nil, problems) }
        var answered: [String: String] = [:]
        for (question, answer) in zip(questions, answers) { answered[question.id] = answer }
        let draft = ApplicationDraft(
            title: title.trimmingCharacters(in: .whitespacesAndNewlines), answers: answered,
            amountRequested: amountRequested, budget: budget,
            area: area.trimmingCharacters(in: .whitespacesAndNewlines),
            outcomes: outcomes.split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty })
        return (draft, [])
    }

    /// The field a refusal is about, by its rule: the budget's and the bands' at the amount asked for (the lines must
    /// add up to it), the area's at the area, an answer's at the question its message names, else the title.
    func field(for rule: String, _ message: String) -> String {
        switch ServiceRefusal.Rule(rawValue: rule) {
        case .budgetLinesAddUp, .applicationWithinBands: return "application-requested"
        case .applicationAreaInRound: return "application-area"
        case .applicationAnswersComplete:
            let text = message.lowercased()
            let named = questions.indices.first { index in
                text.contains("'\(questions[index].id.lowercased())'")
                    || text.contains(questions[index].text.lowercased())
            }
            return named.map { "question-\($0)" } ?? (questions.isEmpty ? "application-title" : "question-0")
        default:
            return message.lowercased().contains("outcome") ? "application-outcomes" : "application-title"
        }
    }
}

/// `/applications/ID` and `/applications/new`: the form while a draft, what was submitted afterwards.
struct ApplicationForm: Encodable, Sendable {
    struct Question: Encodable, Sendable {
        var field, text, answer: String
        var hint, error, describedBy: String?
    }
    struct Line: Encodable, Sendable {
        var index, number, description, amount: String
        var descriptionError, amountError: String?
    }
    struct BudgetRow: Encodable, Sendable { var description, amount: String }

    var id, round, heading, state, stateClass, closes, action, submitAction: String
    var editable: Bool
    var isNew: Bool
    var banner: String?
    var errors: [FieldError]?
    var fe: [String: String]
    var title, requested, area, outcomes: String
    var questions: [Question]
    var lines: [Line]
    var budget: [BudgetRow]
    var facts: [Fact]

    init(
        round: StoredRound, application: StoredApplication? = nil, entered: ApplicationEntered,
        errors: [FieldError]? = nil
    ) {
        let messages = fieldErrors(errors ?? [])
        id = application?.id ?? ""
        self.round = round.spec.title
        isNew = application == nil
        heading =
            application.map { $0.draft.title.isEmpty ? "Your application" : $0.draft.title }
            ?? "Apply to \(round.spec.title)"
        let state = application?.state ?? .draft
        self.state = applicationStateLabel(state)
        stateClass = state.rawValue
        closes = Web.londonTime(round.spec.closes)
        action = application.map { "/applications/\($0.id)" } ?? "/applications/new?round=\(round.id)"
        submitAction = application.map { "/applications/\($0.id)/submit" } ?? ""
        editable = state == .draft
        self.errors = errors
        fe = messages
        title = entered.title
        requested = entered.requested
        area = entered.area
        outcomes = entered.outcomes
        questions = zip(entered.questions, entered.answers).enumerated().map { index, pair in
            let field = "question-\(index)"
            let error = messages[field.replacingOccurrences(of: "-", with: "_")]
            let hint = pair.0.maxWords.map { "At most \($0) words." }
            let described = [hint.map { _ in "\(field)-hint" }, error.map { _ in "\(field)-error" }].compactMap { $0 }
            return Question(
                field: field, text: pair.0.text, answer: pair.1, hint: hint, error: error,
                describedBy: described.isEmpty ? nil : described.joined(separator: " "))
        }
        let shown = entered.lines + Array(repeating: ("", ""), count: ApplicationEntered.spareLines)
        lines = shown.enumerated().map { index, line in
            Line(
                index: String(index), number: String(index + 1), description: line.description, amount: line.amount,
                descriptionError: messages["line_\(index)_description"], amountError: messages["line_\(index)_amount"])
        }
        budget = application?.draft.budget.map { BudgetRow(description: $0.item, amount: $0.amount.formatted) } ?? []
        facts =
            application.map { application in
                [
                    Fact(
                        label: "Organisation",
                        value: "\(application.organisation.name) (\(application.organisation.orgID))"),
                    Fact(label: "Amount asked for", value: application.draft.amountRequested.formatted),
                    Fact(label: "Area", value: application.draft.area),
                    Fact(label: "Outcomes", value: application.draft.outcomes.joined(separator: "\n")),
                ]
            } ?? []
        if !editable, let application {
            requested = application.draft.amountRequested.formatted
        }
    }
}

/// A grant application's documents page (`/applications/ID/documents`).
struct ApplicationDocumentsPage: Encodable, Sendable {
    var id: String
    var title: String
    /// The application's own page.
    var application: String
    var errors: [FieldError]
    var documents: [DocumentLink]
    var documentForms: DocumentsSection?
}
