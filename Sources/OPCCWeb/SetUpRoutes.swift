import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The first run: `/setup/TOKEN` is the page the one-time link `opcc serve` prints on a database with no office opens.
/// Its form creates the office (from a pasted profile, or from a short form the services turn into one) and its first
/// administrator, in one transaction. Like a one-time account link, its form needs no other token against forged
/// posts: the link's own, which only the person who read the server's output has, is in its address. The pages send
/// no referrer and are never cached. A used link, or any link once an office exists, answers 410 with a page saying
/// to sign in; an unknown one 404.
extension Web {
    func addSetUpRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/setup/:token") { _, context -> Response in
            let token = try context.parameters.require("token")
            do {
                try await app.checkSetUpLink(token)
                return try setUpPage(token: token, entered: SetUpEntered(), context: context)
            } catch let refusal as ServiceRefusal where refusal.kind == .notFound || refusal.kind == .conflict {
                return setUpRefused(refusal, context: context)
            }
        }
        router.post("/setup/:token") { request, context -> Response in
            let token = try context.parameters.require("token")
            let form = try await formFields(request)
            let entered = SetUpEntered(form)
            do {
                try await app.checkSetUpLink(token)
                guard entered.password == entered.confirm else {
                    let error = FieldError(field: "confirm", message: "The two passwords are not the same")
                    return try setUpPage(token: token, entered: entered, errors: [error], context: context)
                }
                let loaded = try entered.profile()
                let done = try await app.completeSetUp(
                    token: token, profile: loaded, name: entered.name, displayName: entered.displayName,
                    email: entered.email, password: entered.password
                ) { Passwords.hash($0) }
                context.logger.notice("first-run set-up done", metadata: ["office": .string(done.office.id)])
                return noReferrer(
                    try pages.page(
                        "account-link-done", title: "Your office is set up",
                        model: LinkDone(
                            heading: "\(done.office.name) is set up",
                            message: "You can now sign in as \(done.administrator) with the password you chose, and "
                                + "add your office's people on the People page. This set-up link no longer works."),
                        context: context))
            } catch let refusal as ServiceRefusal where refusal.kind == .notFound || refusal.kind == .conflict {
                return setUpRefused(refusal, context: context)
            } catch let refusal as ServiceRefusal {
                let error = FieldError(field: Self.setUpField(refusal.rule), message: refusal.message)
                return try setUpPage(token: token, entered: entered, errors: [error], context: context)
            }
        }
    }

    /// The input a refusal belongs to, for the error summary's link.
    static func setUpField(_ rule: String) -> String {
        switch ServiceRefusal.Rule(rawValue: rule) {
        case .personName, .knownPerson: "name"
        case .passwordLength: "password"
        case .textWithinLimits: "displayName"
        case .emailAddress: "email"
        default: "profile"
        }
    }

    func setUpPage(
        token: String, entered: SetUpEntered, errors: [FieldError]? = nil, context: WebContext
    ) throws -> Response {
        var model = entered
        model.action = "/setup/\(token)"
        model.errors = errors
        model.rules = Commissioning.passwordRulesHelp
        model.numberings = SetUpNumbering.allCases.map {
            SetUpEntered.Numbering(value: $0.rawValue, example: $0.example, checked: $0.rawValue == entered.numbering)
        }
        return noReferrer(
            try pages.page(
                "setup", title: (errors == nil ? "" : "Error: ") + "Set up your office", model: model, context: context,
                status: errors == nil ? .ok : .unprocessableContent))
    }

    func setUpRefused(_ refusal: ServiceRefusal, context: WebContext) -> Response {
        context.logger.notice("set-up link refused", metadata: ["rule": .string(refusal.rule)])
        let used = refusal.kind == .conflict
        return noReferrer(
            pages.error(
                used ? .gone : .notFound, message: refusal.message, context: context,
                heading: used ? "This office is already set up" : "This set-up link does not work"))
    }

    /// What the set-up form holds, entered or to show again.
    struct SetUpEntered: Encodable, Sendable {
        struct Numbering: Encodable, Sendable {
            var value, example: String
            var checked: Bool
        }
        var profileText = "", officeID = "", officeName = "", numbering = SetUpNumbering.sequenceSlashYear.rawValue
        var name = "", displayName = "", email = ""
        var action = "", rules = ""
        var numberings: [Numbering] = []
        var errors: [FieldError]?
        // Never shown again.
        var password = "", confirm = ""

        init() {}

        init(_ form: Form) {
            profileText = form["profile"] ?? ""
            officeID = form["officeID"] ?? ""
            officeName = form["officeName"] ?? ""
            numbering = form["numbering"] ?? numbering
            name = form["name"] ?? ""
            displayName = form["displayName"] ?? ""
            email = form["email"] ?? ""
            password = form["password"] ?? ""
            confirm = form["confirm"] ?? ""
        }

        /// The office's profile: the pasted text when there is one, else the short form's.
        func profile() throws -> LoadedProfile {
            if !profileText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return try Commissioning.loadProfile(text: profileText, source: "the profile")
            }
            guard let chosen = SetUpNumbering(rawValue: numbering) else {
                throw ServiceRefusal(rule: .validChoice, message: "choose one of the numbering examples")
            }
            let text = Commissioning.setUpProfileText(id: officeID, name: officeName, numbering: chosen)
            return try Commissioning.loadProfile(text: text, source: "the office form")
        }

        enum CodingKeys: String, CodingKey {
            case profileText, officeID, officeName, numbering, name, displayName, email, action, rules, numberings,
                errors
        }
    }
}
