import Foundation
import Hummingbird
import NIOCore
import OPCCServices

/// The request context: the connection's peer address (for the sign-in throttle) and the session, if any.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    var session: WebSession?
    var sessionToken: String?
    /// The signed-in person's unread notifications, read for the pages' header badge (nil on the API and assets).
    var unread: Int?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The signed-in person's name, or nil for the public.
    var user: String? { session?.person }

    /// The signed-in person's name on a staff page, where `RequireSignIn` has made sure there is one.
    func signedIn() throws -> String {
        guard let user else { throw Web.foreignForm }
        return user
    }
}

/// The client's address as the sign-in throttle counts it. The peer's own address, unless the peer is one of the
/// configured trusted proxies: then `X-Forwarded-For` is read from the right (each proxy appends the address it was
/// reached from), skipping the trusted proxies, and the first address that is not one is the client. Whatever lies
/// to the left of it was written by that client and is never believed. A hop that is not an IP address stops the
/// walk at the proxy's own address.
func clientAddress(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String {
    guard let peer else { return "unknown" }
    guard trustedProxies.contains(peer) else { return peer }
    let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    var client = peer
    for hop in hops.reversed() {
        guard let address = normalisedIPAddress(hop) else { return client }
        client = address
        if !trustedProxies.contains(address) { return address }
    }
    return client
}

/// An IPv4 or IPv6 address in its canonical text (`::1`, `203.0.113.5`), or nil for anything else.
func normalisedIPAddress(_ text: String) -> String? {
    guard !text.isEmpty, text.utf8.count <= 45, let address = try? SocketAddress(ipAddress: text, port: 0) else {
        return nil
    }
    return address.ipAddress
}

/// 32 random bytes from the system's secure generator, as hex.
func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
}

/// The signed-in session's id.
let sessionCookieName = "opcc_session"
/// The browser's sign-in nonce: random, stored nowhere on the server; the sign-in form's token is bound to it.
let signInCookieName = "opcc_sign_in"

/// Loads the session named by the cookie from the database into the context.
struct SessionLoader: RouterMiddleware {
    typealias Context = WebContext
    let app: Commissioning
    let policy: SessionPolicy

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        // The health check reads no session, so a load balancer's probe never counts as a page view.
        if request.uri.path != healthPath, let token = request.cookies[sessionCookieName]?.value {
            // A page read with GET shows the unread count in its header: read with the session, in one transaction.
            let path = request.uri.path
            if request.method == .get, !path.hasPrefix("/api/"), !path.hasPrefix("/assets/") {
                if let (session, unread) = try await app.sessionWithUnreadCount(id: token, policy: policy) {
                    (context.session, context.sessionToken, context.unread) = (session, token, unread)
                }
            } else if let session = try await app.session(id: token, policy: policy) {
                (context.session, context.sessionToken) = (session, token)
            }
        }
        return try await next(request, context)
    }
}

/// Every response says `X-Content-Type-Options: nosniff`, and `Cache-Control: no-store` unless its route chose
/// otherwise (the stylesheet): an API answer, a feed or a page may carry what only its reader may see, and no shared
/// cache or browser history should keep it. Errors thrown past the routes get the same headers.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.apply(to: &response.headers)
        return response
    }

    static func apply(to headers: inout HTTPFields) {
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}

extension Web {
    func sessionCookie(_ token: String) -> Cookie {
        Cookie(name: sessionCookieName, value: token, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func expiredSessionCookie() -> Cookie {
        Cookie(
            name: sessionCookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    func signInCookie(_ nonce: String) -> Cookie {
        Cookie(
            name: signInCookieName, value: nonce, maxAge: signInForms.lifetimeSeconds, path: "/sign-in",
            secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func expiredSignInCookie() -> Cookie {
        Cookie(
            name: signInCookieName, value: "", maxAge: 0, path: "/sign-in", secure: secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// The address the sign-in throttle counts for this request (see `clientAddress`).
    func address(of request: Request, _ context: WebContext) -> String {
        clientAddress(
            peer: context.remoteAddress?.ipAddress.flatMap(normalisedIPAddress),
            forwardedFor: request.headers[values: .init("X-Forwarded-For")!], trustedProxies: trustedProxies)
    }

    /// Reads an `application/x-www-form-urlencoded` body and checks its CSRF token against the session's.
    /// A missing or wrong token is 403: the form did not come from this site.
    func form(_ request: Request, _ context: WebContext) async throws -> Form {
        let form = try await formFields(request)
        try checkFormToken(form["csrf"], context)
        return form
    }

    /// The CSRF check of every form, whatever its encoding (a multipart upload's token is one of its fields): the
    /// token sent must be the session's. A missing or wrong token is 403.
    func checkFormToken(_ sent: String?, _ context: WebContext) throws {
        guard let session = context.session, let sent, !sent.isEmpty, constantTimeEqual(sent, session.csrf) else {
            throw Self.foreignForm
        }
    }

    /// The sign-in form: its token must be one this site signed, unexpired, for the nonce in this browser's cookie.
    func signInForm(_ request: Request) async throws -> (form: Form, nonce: String) {
        let form = try await formFields(request)
        guard let nonce = request.cookies[signInCookieName]?.value, let sent = form["csrf"],
            signInForms.isValid(sent, for: nonce, at: app.clock.now())
        else { throw Self.foreignForm }
        return (form, nonce)
    }

    static let foreignForm = HTTPError(
        .forbidden, message: "The form has expired or did not come from this site.")

    func formFields(_ request: Request) async throws -> Form {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        return Form(urlEncoded: String(buffer: buffer))
    }
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in x.indices { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// Fields of a submitted form (the last value wins for a repeated name).
struct Form: Sendable {
    var fields: [String: String] = [:]

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
    }

    private static func decode(_ s: Substring) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// A trimmed value, or nil when blank.
    func text(_ name: String) -> String? {
        guard let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
