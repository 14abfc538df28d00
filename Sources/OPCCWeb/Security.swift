import Foundation
import Hummingbird
import NIOCore

/// The request context: the connection's address (for the sign-in throttle) and the session, if any.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    var session: Session?
    var sessionToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The signed-in person's name, or nil for the public.
    var user: String? { session?.user }

    /// The address the throttle counts: the connection's IP, without its port.
    var address: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// A browser session: who signed in (nil before sign-in) and the token every form must carry.
struct Session: Sendable {
    var user: String?
    var csrf: String
    var created: Date
}

/// Sessions held in memory: a restart signs everyone out. Tokens are 256 random bits.
actor Sessions {
    private var byToken: [String: Session] = [:]
    static let lifetime: TimeInterval = 8 * 60 * 60

    func session(_ token: String) -> Session? {
        guard let found = byToken[token] else { return nil }
        guard Date().timeIntervalSince(found.created) < Self.lifetime else {
            byToken[token] = nil
            return nil
        }
        return found
    }

    /// Starts a new session (a new token, so a token seen before sign-in is never the signed-in one).
    func start(user: String?) -> (token: String, session: Session) {
        let session = Session(user: user, csrf: randomToken(), created: Date())
        let token = randomToken()
        byToken[token] = session
        return (token, session)
    }

    func end(_ token: String) { byToken[token] = nil }
}

/// Failed sign-ins per account and per address within a window; past the limit, sign-in is refused unchecked.
actor SignInThrottle {
    let perAccount: Int
    let perAddress: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(perAccount: Int, perAddress: Int, window: TimeInterval) {
        self.perAccount = perAccount
        self.perAddress = perAddress
        self.window = window
    }

    private func recent(_ key: String, now: Date) -> Int {
        let kept = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = kept.isEmpty ? nil : kept
        return kept.count
    }

    func isBlocked(account: String, address: String, now: Date = Date()) -> Bool {
        recent("account:" + account, now: now) >= perAccount || recent("address:" + address, now: now) >= perAddress
    }

    func fail(account: String, address: String, now: Date = Date()) {
        failures["account:" + account, default: []].append(now)
        failures["address:" + address, default: []].append(now)
    }

    func succeed(account: String) { failures["account:" + account] = nil }
}

/// 32 random bytes from the system's secure generator, as hex.
func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
}

let sessionCookieName = "opcc_session"

/// Loads the session named by the cookie into the context.
struct SessionLoader: RouterMiddleware {
    typealias Context = WebContext
    let sessions: Sessions

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let token = request.cookies[sessionCookieName]?.value, let session = await sessions.session(token) {
            context.session = session
            context.sessionToken = token
        }
        return try await next(request, context)
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

    /// Reads an `application/x-www-form-urlencoded` body and checks its CSRF token against the session's.
    /// A missing or wrong token is 403: the form did not come from this site.
    func form(_ request: Request, _ context: WebContext) async throws -> Form {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        let form = Form(urlEncoded: String(buffer: buffer))
        guard let session = context.session, let sent = form["csrf"], !sent.isEmpty,
            constantTimeEqual(sent, session.csrf)
        else {
            throw HTTPError(.forbidden, message: "The form has expired or did not come from this site.")
        }
        return form
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
