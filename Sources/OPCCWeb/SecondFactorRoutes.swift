import Foundation
import HTTPTypes
import Hummingbird
import OPCCCore
import OPCCServices

/// The second factor in the browser: the code page after a correct password, the set-up the office may require
/// before the first page opens, and each person's own page (`/account/second-factor`) to set one up or remove it.
/// The signed-out pages carry the sign-in form's signed token and the challenge; the signed-in ones the session's.
extension Web {
    func addSecondFactorRoutes(to router: some RouterMethods<WebContext>) {
        router.post("/sign-in/code") { request, context -> Response in
            let (form, nonce) = try await signInForm(request)
            let challenge = form.text("challenge") ?? ""
            do {
                let attempt = try await app.completeSignIn(
                    challenge: challenge, code: form.text("code") ?? "", sessions: sessionPolicy,
                    replacing: context.sessionToken)
                return signedInResponse(attempt)
            } catch let refusal as ServiceRefusal
                where refusal.rule == ServiceRefusal.Rule.secondFactorCode.rawValue
            {
                context.logger.notice("second-factor code refused")
                return try codePage(
                    nonce: nonce, challenge: challenge, errors: [FieldError(field: "code", message: refusal.message)],
                    status: .unauthorized, context: context)
            } catch let refusal as ServiceRefusal
                where refusal.rule == ServiceRefusal.Rule.secondFactorChallengeCurrent.rawValue
            {
                return try signInPage(
                    nonce: nonce, errors: [FieldError(field: "username", message: refusal.message)],
                    status: .unauthorized, context: context)
            }
        }
        router.post("/sign-in/set-up") { request, context -> Response in
            let (form, nonce) = try await signInForm(request)
            let challenge = form.text("challenge") ?? ""
            do {
                let (attempt, codes) = try await app.confirmSecondFactorSetUp(
                    challenge: challenge, code: form.text("code") ?? "", sessions: sessionPolicy,
                    replacing: context.sessionToken)
                guard case .signedIn(let sessionID, _) = attempt else { return signedInResponse(attempt) }
                context.logger.notice("second factor set up at sign-in")
                var response = try recoveryCodesPage(codes, context: context)
                response.setCookie(sessionCookie(sessionID))
                response.setCookie(expiredSignInCookie())
                return response
            } catch let refusal as ServiceRefusal
                where refusal.rule == ServiceRefusal.Rule.secondFactorCode.rawValue
            {
                return try await signInSetUpPage(
                    nonce: nonce, challenge: challenge,
                    errors: [FieldError(field: "code", message: refusal.message)], status: .unprocessableContent,
                    context: context)
            } catch let refusal as ServiceRefusal
                where refusal.rule == ServiceRefusal.Rule.secondFactorChallengeCurrent.rawValue
            {
                return try signInPage(
                    nonce: nonce, errors: [FieldError(field: "username", message: refusal.message)],
                    status: .unauthorized, context: context)
            }
        }
    }

    /// The signed-in person's own second-factor pages (behind `RequireSignIn`).
    func addSecondFactorAccountRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/account/second-factor") { _, context -> Response in
            try await secondFactorPage(user: try context.signedIn(), context: context)
        }
        router.post("/account/second-factor/set-up") { request, context -> Response in
            _ = try await form(request, context)
            let user = try context.signedIn()
            return try await ownSetUpPage(user: user, errors: nil, status: .ok, context: context)
        }
        router.post("/account/second-factor/confirm") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            do {
                let codes = try await app.confirmSecondFactor(person: user, code: form.text("code") ?? "")
                return try recoveryCodesPage(codes, context: context)
            } catch let refusal as ServiceRefusal
                where refusal.rule == ServiceRefusal.Rule.secondFactorCode.rawValue
            {
                return try await ownSetUpPage(
                    user: user, errors: [FieldError(field: "code", message: refusal.message)],
                    status: .unprocessableContent, context: context)
            }
        }
        router.post("/account/second-factor/remove") { request, context -> Response in
            _ = try await form(request, context)
            let user = try context.signedIn()
            do {
                try await app.removeSecondFactor(person: user, by: user)
            } catch let refusal as ServiceRefusal {
                return try await secondFactorPage(
                    user: user, errors: [FieldError(field: "remove", message: refusal.message)],
                    status: refusal.kind == .forbidden ? .forbidden : .unprocessableContent, context: context)
            }
            // Removing the factor ends the person's sessions, this one included.
            var response = Response.redirect(to: "/sign-in", type: .normal)
            response.setCookie(expiredSessionCookie())
            return response
        }
    }

    /// What a finished sign-in answers: the new session's cookie and the home page, or back to the sign-in form.
    func signedInResponse(_ attempt: SignInAttempt) -> Response {
        guard case .signedIn(let sessionID, _) = attempt else { return .redirect(to: "/sign-in", type: .normal) }
        var response = Response.redirect(to: "/home", type: .normal)
        response.setCookie(sessionCookie(sessionID))
        response.setCookie(expiredSignInCookie())
        return response
    }

    /// The page after a correct password when a second factor is needed: the code, or the set-up the office requires.
    func secondFactorStep(
        challenge: String, purpose: SecondFactorChallengePurpose, nonce: String?, context: WebContext
    ) async throws -> Response {
        switch purpose {
        case .signIn:
            return try codePage(nonce: nonce, challenge: challenge, errors: nil, status: .ok, context: context)
        case .setUp:
            return try await signInSetUpPage(
                nonce: nonce, challenge: challenge, errors: nil, status: .ok, context: context)
        }
    }

    struct CodeForm: Encodable, Sendable {
        var csrf: String
        var challenge: String
        var errors: [FieldError]?
    }

    func codePage(
        nonce: String?, challenge: String, errors: [FieldError]?, status: HTTPResponse.Status, context: WebContext
    ) throws -> Response {
        let nonce = nonce ?? randomToken()
        let model = CodeForm(
            csrf: signInForms.token(for: nonce, at: app.clock.now()), challenge: challenge, errors: errors)
        var response = try pages.page(
            "sign-in-code", title: errors == nil ? "Enter your code" : "Error: Enter your code", model: model,
            context: context, status: status)
        response.setCookie(signInCookie(nonce))
        return response
    }

    struct SetUpForm: Encodable, Sendable {
        var csrf: String
        var challenge: String?
        var action: String
        var secret: String
        var uri: String
        var required: Bool
        var errors: [FieldError]?
    }

    func signInSetUpPage(
        nonce: String?, challenge: String, errors: [FieldError]?, status: HTTPResponse.Status, context: WebContext
    ) async throws -> Response {
        let nonce = nonce ?? randomToken()
        let setUp: SecondFactorSetUp
        do {
            setUp = try await app.beginSecondFactorSetUp(challenge: challenge)
        } catch let refusal as ServiceRefusal {
            return try signInPage(
                nonce: nonce, errors: [FieldError(field: "username", message: refusal.message)],
                status: .unauthorized, context: context)
        }
        let model = SetUpForm(
            csrf: signInForms.token(for: nonce, at: app.clock.now()), challenge: challenge, action: "/sign-in/set-up",
            secret: setUp.secret, uri: setUp.provisioningURI, required: true, errors: errors)
        var response = try pages.page(
            "second-factor-set-up", title: errors == nil ? "Set up a second factor" : "Error: Set up a second factor",
            model: model, context: context, status: status)
        response.setCookie(signInCookie(nonce))
        return response
    }

    func ownSetUpPage(
        user: String, errors: [FieldError]?, status: HTTPResponse.Status, context: WebContext
    ) async throws -> Response {
        let setUp: SecondFactorSetUp
        do {
            setUp = try await app.beginSecondFactorSetUp(person: user)
        } catch let refusal as ServiceRefusal {
            return try await secondFactorPage(
                user: user, errors: [FieldError(field: "set-up", message: refusal.message)],
                status: .unprocessableContent, context: context)
        }
        let model = SetUpForm(
            csrf: context.session?.csrf ?? "", challenge: nil, action: "/account/second-factor/confirm",
            secret: setUp.secret, uri: setUp.provisioningURI, required: false, errors: errors)
        return try pages.page(
            "second-factor-set-up", title: errors == nil ? "Set up a second factor" : "Error: Set up a second factor",
            model: model, context: context, back: "/account/second-factor", status: status)
    }

    struct RecoveryCodes: Encodable, Sendable {
        var codes: [String]
    }

    func recoveryCodesPage(_ codes: [String], context: WebContext) throws -> Response {
        var response = try pages.page(
            "second-factor-codes", title: "Your recovery codes", model: RecoveryCodes(codes: codes), context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct SecondFactorView: Encodable, Sendable {
        var enabled: Bool
        var required: Bool
        var left: String
        var errors: [FieldError]?
    }

    func secondFactorPage(
        user: String, errors: [FieldError]? = nil, status: HTTPResponse.Status = .ok, context: WebContext
    ) async throws -> Response {
        let status2 = try await app.secondFactorStatus(person: user)
        let model = SecondFactorView(
            enabled: status2.enabled, required: status2.required, left: String(status2.recoveryCodesLeft),
            errors: errors)
        return try pages.page(
            "second-factor", title: errors == nil ? "Second factor" : "Error: Second factor", model: model,
            context: context, back: "/home", status: status)
    }
}
