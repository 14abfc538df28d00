import Foundation
import Hummingbird
import HummingbirdBcrypt
import OPCCCore
import OPCCServices

extension Web {
    /// The pages anyone may read: the published decisions register and each Part 1 notice.
    func addPublicRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/assets/opcc.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: Templates.css + Templates.notificationCSS + Templates.publicCSS + Templates.roundsCSS)))
        }
        // The public notice's own stylesheet (screen and print), a file like every style: the Content-Security-Policy
        // allows no inline style.
        router.get("/assets/notice.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: DecisionNotice.style)))
        }
        router.get("/") { _, context -> Response in
            .redirect(to: context.user == nil ? "/register" : "/home", type: .found)
        }
        addPublicRegisterRoutes(to: router)
        addForwardPlanRoutes(to: router)
        router.get("/register/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await publicPages.response(request.uri.description, context: context, pages: pages) {
                do {
                    return .page(try await app.publishedNoticeHTML(id))
                } catch let error where Refusal.status(of: error) != nil {
                    // An unpublished record is not found, to the public: its existence is not published either.
                    return .other(
                        pages.error(.notFound, message: "There is no published decision here.", context: context))
                }
            }
        }
    }

    /// The iCalendar feeds: `/calendar/public.ics`, the Part 1 publication calendar of every office, and
    /// `/calendar/SECRET.ics`, a person's deadlines behind the secret `opcc calendar feed create` printed. The
    /// services decide what each lists; an unknown or revoked secret is 404, telling nothing about which it was.
    func addCalendarRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/calendar/:file") { _, context -> Response in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".ics") else {
                return pages.error(.notFound, message: "Calendar feeds end in .ics.", context: context)
            }
            let name = String(file.dropLast(".ics".count))
            // Links in a feed come from the configured public URL: a request's Host header is the sender's to choose.
            let base = publicURL
            let text: String
            do {
                text =
                    await name == "public"
                    ? try app.publicCalendar(baseURL: base) : try app.calendarFeed(token: name, baseURL: base)
            } catch let error where Refusal.status(of: error) != nil {
                return pages.error(.notFound, message: "There is no calendar feed at this address.", context: context)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "inline; filename=\"\(name == "public" ? "public" : "deadlines").ics\"",
                ], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Sign-in, sign-out: local accounts with bcrypt-hashed passwords, throttled by growing delays (per account, per
    /// address and account, per address), sessions in the database. Showing the form stores nothing: its token is
    /// signed for the browser's sign-in cookie (see `SignInFormTokens`); a session row is made only by signing in.
    func addSignInRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/sign-in") { request, context -> Response in
            let sent = request.cookies[signInCookieName]?.value
            let nonce = sent.flatMap { isNonce($0) ? $0 : nil }
            return try signInPage(nonce: nonce, context: context)
        }
        router.post("/sign-in") { request, context -> Response in
            let (form, nonce) = try await signInForm(request)
            let username = form.text("username") ?? ""
            let password = form["password"] ?? ""
            func refuse(_ message: String, field: String, status: HTTPResponse.Status) throws -> Response {
                try signInPage(
                    nonce: nonce, username: username, errors: [FieldError(field: field, message: message)],
                    status: status, context: context)
            }
            guard !username.isEmpty, !password.isEmpty else {
                return try refuse(
                    "Enter your sign-in name and password", field: username.isEmpty ? "username" : "password",
                    status: .unprocessableContent)
            }
            let attempt = try await app.signIn(
                name: username, address: address(of: request, context), throttle: throttle, sessions: sessionPolicy,
                replacing: context.sessionToken
            ) { hash in Bcrypt.verify(password, hash: hash) }
            switch attempt {
            case .wait(let seconds):
                context.logger.notice("sign-in throttled")
                var response = try refuse(
                    "Too many failed sign-in attempts. Wait \(Self.spoken(seconds: seconds)) and try again.",
                    field: "username", status: .tooManyRequests)
                response.headers[.retryAfter] = String(seconds)
                return response
            case .refused:
                context.logger.notice("sign-in failed")
                return try refuse("The sign-in name or password is not right", field: "username", status: .unauthorized)
            case .signedIn:
                return signedInResponse(attempt)
            case .secondFactorNeeded(let challenge, let purpose):
                return try await secondFactorStep(
                    challenge: challenge, purpose: purpose, nonce: nonce, context: context)
            }
        }
        router.post("/sign-out") { request, context -> Response in
            _ = try await form(request, context)
            if let token = context.sessionToken { try await app.endSession(id: token) }
            var response = Response.redirect(to: "/register", type: .normal)
            response.setCookie(expiredSessionCookie())
            return response
        }
    }

    /// The sign-in form with a fresh signed token; a browser without a sign-in nonce gets one in a cookie. Nothing is
    /// stored on the server.
    func signInPage(
        nonce: String?, username: String? = nil, errors: [FieldError]? = nil, status: HTTPResponse.Status = .ok,
        context: WebContext
    ) throws -> Response {
        try signInFormPage(
            "signin", title: "Sign in", nonce: nonce, username: username, errors: errors, status: status,
            context: context)
    }

    /// A page of the signed-out forms (sign-in, the reset request): its own signed token, the nonce's cookie.
    func signInFormPage(
        _ template: String, title: String, nonce: String?, username: String?, errors: [FieldError]?,
        status: HTTPResponse.Status, context: WebContext
    ) throws -> Response {
        let nonce = nonce ?? randomToken()
        let model = SignInForm(
            csrf: signInForms.token(for: nonce, at: app.clock.now()), username: username, errors: errors)
        var response = try pages.page(
            template, title: status == .ok ? title : "Error: \(title)", model: model, context: context,
            status: status)
        response.setCookie(signInCookie(nonce))
        return response
    }

    /// The sign-in form: its own signed token (not a session's), and what was entered.
    struct SignInForm: Encodable, Sendable {
        var csrf: String
        var username: String?
        var errors: [FieldError]?
    }

    /// A nonce as this server makes them: 64 lowercase hex digits (anything else sent is replaced).
    func isNonce(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// A wait as a person reads it: "1 second", "30 seconds", "2 minutes".
    static func spoken(seconds: Int) -> String {
        if seconds < 60 { return seconds == 1 ? "1 second" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}

/// Password hashing for local accounts (bcrypt; the cost is the work factor).
public enum Passwords {
    public static func hash(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }
    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// The demo's documented password, set for every demo person by `opcc serve --demo`.
    public static let demoPassword = "demo-password"
}
