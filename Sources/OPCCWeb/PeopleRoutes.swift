import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The people page of the signed-in person's office (`/people`), for its chief executive or an administrator: who
/// holds which roles and scopes, who is disabled, when each last signed in, and a form for each act (add a person,
/// grant a role, end one, disable, enable, send an invitation or a password reset). Every rule is the services'; each
/// form is one act, one transaction and one audit event, and comes back to the page with its refusal.
extension Web {
    func addPeopleRoutes(to router: RouterGroup<WebContext>) {
        router.get("/people") { request, context -> Response in
            try await peoplePage(
                user: try context.signedIn(), notice: request.uri.queryParameters["done"].map(String.init),
                context: context)
        }
        router.post("/people") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            return try await peopleAct(user: user, context: context) {
                let me = try await manager(user)
                let grants = Role.allCases.filter { form["role-\($0.rawValue)"] != nil }.map {
                    RoleGrant(role: $0, scope: Self.scopes(form["scope"]))
                }
                let name = form["name"] ?? ""
                let display = form["displayName"] ?? ""
                let email = form["email"] ?? ""
                try await app.addPerson(
                    name: name, displayName: display.isEmpty ? nil : display, office: me.office, grants: grants,
                    by: user, email: email.isEmpty ? nil : email)
                return "added \(name)"
            }
        }
        router.post("/people/:name/:act") { request, context -> Response in
            let user = try context.signedIn()
            let form = try await form(request, context)
            let name = try context.parameters.require("name")
            let act = try context.parameters.require("act")
            return try await peopleAct(user: user, context: context) {
                try await personAct(act, on: name, form: form, by: user)
            }
        }
    }

    /// One act on one person, named by the path; its words for the page's notice.
    private func personAct(_ act: String, on name: String, form: Form, by user: String) async throws -> String {
        switch act {
        case "grant":
            let role = try Self.chosenRole(form["role"])
            try await app.grantRole(RoleGrant(role: role, scope: Self.scopes(form["scope"])), to: name, by: user)
            return "granted \(role) to \(name)"
        case "end-role":
            let role = try Self.chosenRole(form["role"])
            let scope = form["scope"].flatMap { $0.isEmpty ? nil : $0 }
            try await app.endRole(role, scope: scope, of: name, by: user)
            return "ended \(role) of \(name)"
        case "disable":
            try await app.disablePerson(name, by: user)
            return "disabled \(name)"
        case "enable":
            try await app.enablePerson(name, by: user)
            return "enabled \(name)"
        case "invite":
            _ = try await app.inviteByMail(name, by: user, linkBase: publicURL)
            return "sent \(name) an invitation"
        case "reset":
            _ = try await app.sendPasswordReset(name, by: user, linkBase: publicURL)
            return "sent \(name) a password reset"
        default:
            throw HTTPError(.notFound)
        }
    }

    static func chosenRole(_ text: String?) throws -> Role {
        guard let text, let role = Role(rawValue: text) else {
            throw ServiceRefusal(rule: .validChoice, message: "choose one of the roles")
        }
        return role
    }

    /// Record references typed one a line or separated by commas; none means the whole office.
    static func scopes(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// The signed-in person, when they may manage their office's people; otherwise 403.
    func manager(_ user: String) async throws -> StoredPerson {
        guard let me = try await app.person(named: user), me.managesPeople(of: me.office) else {
            throw ServiceRefusal.forbidden(
                rule: .peopleManagedByChiefExecutive,
                message: "only the office's chief executive or an administrator may manage its people")
        }
        return me
    }

    /// Runs an act and goes back to the page: a refusal of what was entered comes back as the page with its message;
    /// one of who may (403) or of an unknown person (404) goes to the error page.
    private func peopleAct(
        user: String, context: WebContext, _ body: () async throws -> String
    ) async throws -> Response {
        try await formAct(
            correctable: { status, _ in status == .unprocessableContent || status == .conflict },
            field: { _ in "name" },
            rerender: { errors, status in
                try await peoplePage(user: user, errors: errors, status: status, context: context)
            }
        ) {
            let done = try await body()
            let query = done.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return .redirect(to: "/people?done=\(query)", type: .normal)
        }
    }

    func peoplePage(
        user: String, notice: String? = nil, errors: [FieldError]? = nil, status: HTTPResponse.Status = .ok,
        context: WebContext
    ) async throws -> Response {
        let me = try await manager(user)
        let profile = try await app.profile(of: me.office)
        let roles = (profile.roles + [.administrator]).filter { $0 != .public }
        let people = try await app.people(office: me.office)
        let model = PeoplePage(
            office: me.office, notice: notice ?? "", errors: errors,
            roles: roles.map { PeoplePage.RoleOption(value: $0.rawValue) },
            people: people.map { PeoplePage.Row($0, roles: roles) })
        return try pages.page(
            "people", title: (errors == nil ? "" : "Error: ") + "People", model: model, context: context,
            status: errors == nil ? status : (status == .ok ? .unprocessableContent : status))
    }

    struct PeoplePage: Encodable, Sendable {
        struct RoleOption: Encodable, Sendable { var value: String }
        struct GrantRow: Encodable, Sendable {
            var role, scope, label: String
        }
        struct Row: Encodable, Sendable {
            var name, displayName, email, status, lastSignIn: String
            var disabled: Bool
            var grants: [GrantRow]
            var roles: [RoleOption]

            init(_ person: StoredPerson, roles: [Role]) {
                name = person.name
                displayName = person.displayName
                email = person.email ?? ""
                disabled = person.isDisabled
                status = person.disabledAt.map { "Disabled (\($0.prefix(10)))" } ?? "Active"
                lastSignIn =
                    person.lastSignInAt.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") }
                    ?? "Never"
                grants = person.grants.flatMap { grant in
                    grant.scope.isEmpty
                        ? [GrantRow(role: grant.role.rawValue, scope: "", label: "\(grant.role) (whole office)")]
                        : grant.scope.map {
                            GrantRow(role: grant.role.rawValue, scope: $0, label: "\(grant.role) (\($0))")
                        }
                }
                self.roles = roles.map { RoleOption(value: $0.rawValue) }
            }
        }
        var office, notice: String
        var errors: [FieldError]?
        var roles: [RoleOption]
        var people: [Row]
    }
}
