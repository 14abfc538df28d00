import Foundation
import Hummingbird
import HummingbirdBcrypt
import OPCCCore
import OPCCServices
import OPCCStore

extension Web {
    /// The pages anyone may read: the published decisions register and each Part 1 notice.
    func addPublicRoutes(to router: Router<WebContext>) {
        router.get("/assets/opcc.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.css)))
        }
        router.get("/") { _, context -> Response in
            .redirect(to: context.user == nil ? "/register" : "/home", type: .found)
        }
        router.get("/register") { _, context -> Response in
            // Always the public's view, signed in or not: this is the page the office puts on its website.
            let rows = try app.decisionRegister(DecisionFilter(), by: nil)
            let today = app.clock.today()
            return pages.page(
                "register", title: "Published decisions",
                values: [
                    "heading": "Published decisions",
                    "intro": "Decisions of the Police and Crime Commissioners, Part 1 as published.",
                    "rows": rows.map { $0.values(href: "/register/\($0.id)", today: today) },
                    "transparency": true,
                ], context: context)
        }
        router.get("/register/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            do {
                return pages.html(try app.publishedNoticeHTML(id))
            } catch let error where Refusal.status(of: error) != nil {
                // An unpublished record is not found, to the public: its existence is not published either.
                return pages.error(.notFound, message: "There is no published decision here.", context: context)
            }
        }
    }

    /// The iCalendar feeds: `/calendar/public.ics`, the Part 1 publication calendar of every office, and
    /// `/calendar/SECRET.ics`, a person's deadlines behind the secret `opcc calendar feed create` printed. The
    /// services decide what each lists; an unknown or revoked secret is 404, telling nothing about which it was.
    func addCalendarRoutes(to router: Router<WebContext>) {
        router.get("/calendar/:file") { request, context -> Response in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".ics") else {
                return pages.error(.notFound, message: "Calendar feeds end in .ics.", context: context)
            }
            let name = String(file.dropLast(".ics".count))
            let base = request.head.authority.map { "http://\($0)" }
            let text: String
            do {
                text =
                    name == "public"
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

    /// Sign-in, sign-out: local accounts with bcrypt-hashed passwords, throttled per account and per address.
    func addSignInRoutes(to router: Router<WebContext>) {
        router.get("/sign-in") { _, context -> Response in
            var context = context
            var cookie: Cookie?
            if context.session == nil {
                let started = await sessions.start(user: nil)
                context.session = started.session
                cookie = sessionCookie(started.token)
            }
            var response = pages.page("signin", title: "Sign in", values: [:], context: context)
            if let cookie { response.setCookie(cookie) }
            return response
        }
        router.post("/sign-in") { request, context -> Response in
            let form = try await form(request, context)
            let username = form.text("username") ?? ""
            let password = form["password"] ?? ""
            func refuse(_ message: String, field: String, status: HTTPResponse.Status) -> Response {
                pages.page(
                    "signin", title: "Error: Sign in",
                    values: ["username": username, "errors": [["field": field, "message": message]]],
                    context: context, status: status)
            }
            guard !username.isEmpty, !password.isEmpty else {
                return refuse(
                    "Enter your sign-in name and password", field: username.isEmpty ? "username" : "password",
                    status: .unprocessableContent)
            }
            let address = context.address
            if await throttle.isBlocked(account: username, address: address) {
                context.logger.notice("sign-in throttled")
                return refuse(
                    "Too many failed sign-in attempts. Wait 15 minutes and try again.", field: "username",
                    status: .tooManyRequests)
            }
            let hash = try app.passwordHash(of: username)
            guard let hash, Bcrypt.verify(password, hash: hash) else {
                await throttle.fail(account: username, address: address)
                context.logger.notice("sign-in failed")
                return refuse(
                    "The sign-in name or password is not right", field: "username", status: .unauthorized)
            }
            await throttle.succeed(account: username)
            if let old = context.sessionToken { await sessions.end(old) }
            let started = await sessions.start(user: username)
            var response = Response.redirect(to: "/home", type: .normal)
            response.setCookie(sessionCookie(started.token))
            return response
        }
        router.post("/sign-out") { request, context -> Response in
            _ = try await form(request, context)
            if let token = context.sessionToken { await sessions.end(token) }
            var response = Response.redirect(to: "/register", type: .normal)
            response.setCookie(expiredSessionCookie())
            return response
        }
    }
}

/// Password hashing for local accounts (bcrypt; the cost is the work factor).
public enum Passwords {
    public static func hash(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }
    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// The demo's documented password, set for every demo person by `opcc serve --demo`.
    public static let demoPassword = "demo-password"
}
