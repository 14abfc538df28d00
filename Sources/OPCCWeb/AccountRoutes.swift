import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// Accounts by mail. `/sign-in/forgot` asks for a reset link: its form is signed for the browser's sign-in nonce
    /// like the sign-in form (the nonce cookie's path covers it), its requests are throttled like sign-ins, and its
    /// answer is the same whether or not anyone has the name. `/account/link/TOKEN` is the page a one-time link
    /// opens: showing it changes nothing (a mail scanner that fetches links uses nothing up); posting it sets the
    /// password. Its form needs no other token: the link's own, which only the mail's reader has, is in its address.
    /// The token pages send no referrer and are never cached; the server's log shows their path without the token.
    func addAccountRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/sign-in/forgot") { request, context -> Response in
            let sent = request.cookies[signInCookieName]?.value
            return try forgotPasswordPage(nonce: sent.flatMap { isNonce($0) ? $0 : nil }, context: context)
        }
        router.post("/sign-in/forgot") { request, context -> Response in
            let (form, nonce) = try await signInForm(request)
            let typed = form.text("username") ?? ""
            guard !typed.isEmpty else {
                return try forgotPasswordPage(
                    nonce: nonce,
                    errors: [FieldError(field: "username", message: "Enter your sign-in name or email address")],
                    status: .unprocessableContent, context: context)
            }
            let answer = try await app.requestPasswordReset(
                nameOrAddress: typed, address: address(of: request, context), throttle: throttle, linkBase: publicURL)
            switch answer {
            case .wait(let seconds):
                context.logger.notice("password reset request throttled")
                var response = try forgotPasswordPage(
                    nonce: nonce, username: typed,
                    errors: [
                        FieldError(
                            field: "username",
                            message: "Too many requests. Wait \(Self.spoken(seconds: seconds)) and try again.")
                    ], status: .tooManyRequests, context: context)
                response.headers[.retryAfter] = String(seconds)
                return response
            case .answered:
                return try pages.page("reset-requested", title: "Check your email", model: Empty(), context: context)
            }
        }
        router.get("/account/link/:token") { _, context -> Response in
            let token = try context.parameters.require("token")
            do {
                return try linkPage(try await app.accountLink(token: token), token: token, context: context)
            } catch let refusal as ServiceRefusal where refusal.kind == .notFound {
                return linkRefused(refusal, context: context)
            }
        }
        router.post("/account/link/:token") { request, context -> Response in
            let token = try context.parameters.require("token")
            let form = try await formFields(request)
            let password = form["password"] ?? ""
            do {
                guard password == (form["confirm"] ?? "") else {
                    let error = FieldError(field: "confirm", message: "The two passwords are not the same")
                    return try linkPage(
                        try await app.accountLink(token: token), token: token, errors: [error], context: context)
                }
                let done = try await app.redeemAccountLink(token: token, password: password) {
                    Passwords.hash($0)
                }
                context.logger.notice("password set by a one-time link")
                return noReferrer(
                    try pages.page(
                        "account-link-done", title: "Your password is set",
                        model: LinkDone(
                            heading: "Your password is set",
                            message: "You can now sign in as \(done.person) with your new password."
                                + (done.sessionsEnded > 0 ? " Every session signed in with the old one has ended." : "")
                        ),
                        context: context))
            } catch let refusal as ServiceRefusal where refusal.kind == .notFound {
                return linkRefused(refusal, context: context)
            } catch let refusal as ServiceRefusal where refusal.rule == ServiceRefusal.Rule.passwordLength.rawValue {
                let view = try await app.accountLink(token: token)
                let error = FieldError(field: "password", message: refusal.message)
                return try linkPage(view, token: token, errors: [error], context: context)
            }
        }
    }

    /// The set-password form a working link opens.
    func linkPage(
        _ view: AccountLinkView, token: String, errors: [FieldError]? = nil, context: WebContext
    ) throws -> Response {
        let invitation = view.purpose == .invitation
        let heading = invitation ? "Choose your password" : "Choose a new password"
        let model = LinkForm(
            heading: heading,
            intro: invitation
                ? "Welcome, \(view.displayName). Your sign-in name is \(view.person). Choose the password you will "
                    + "sign in with."
                : "Choose a new password for the sign-in name \(view.person). Your old one stops working, and you are "
                    + "signed out everywhere.",
            action: Commissioning.accountLinkPath(token), person: view.person,
            label: invitation ? "Password" : "New password", rules: Commissioning.passwordRulesHelp,
            button: invitation ? "Set my password" : "Set my new password", errors: errors)
        let status: HTTPResponse.Status = errors == nil ? .ok : .unprocessableContent
        return noReferrer(
            try pages.page(
                "account-link", title: (errors == nil ? "" : "Error: ") + heading, model: model, context: context,
                status: status))
    }

    /// The one page for a link that does not work, whatever the reason; the reason (its rule) goes to the log.
    func linkRefused(_ refusal: ServiceRefusal, context: WebContext) -> Response {
        context.logger.notice("one-time link refused", metadata: ["rule": .string(refusal.rule)])
        return noReferrer(
            pages.error(.notFound, message: refusal.message, context: context, heading: "This link no longer works"))
    }

    /// A token page's headers: no `Referer` leaves it (its address holds the token), and nothing keeps a copy.
    func noReferrer(_ response: Response) -> Response {
        var response = response
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The reset request form, with a fresh signed token; a browser without a sign-in nonce gets one in a cookie.
    func forgotPasswordPage(
        nonce: String?, username: String? = nil, errors: [FieldError]? = nil, status: HTTPResponse.Status = .ok,
        context: WebContext
    ) throws -> Response {
        try signInFormPage(
            "forgot-password", title: "Forgot your password?", nonce: nonce, username: username, errors: errors,
            status: status, context: context)
    }

    struct LinkForm: Encodable, Sendable {
        var heading: String
        var intro: String
        var action: String
        var person: String
        var label: String
        var rules: String
        var button: String
        var errors: [FieldError]?
    }

    struct LinkDone: Encodable, Sendable {
        var heading: String
        var message: String
    }

    struct Empty: Encodable, Sendable {}
}
