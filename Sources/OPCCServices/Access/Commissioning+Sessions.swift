import Foundation
import OPCCCore
import OPCCStore

/// A signed-in browser session: whose it is and the token its forms carry.
public struct WebSession: Hashable, Sendable {
    public let person: String
    public let csrf: String
}

/// What a sign-in attempt came to.
public enum SignInAttempt: Sendable {
    /// The password matched: a new session, whose id (the cookie's value) is shown only now.
    case signedIn(sessionID: String, session: WebSession)
    /// Unknown name or wrong password (which of the two is not said).
    case refused
    /// Too many recent failures: the password was not checked; try again after this many seconds.
    case wait(seconds: Int)
    /// The password matched, but no session is made yet: the person gives a code from their authenticator app
    /// (`completeSignIn`), or, for `.setUp`, sets a second factor up first (`beginSecondFactorSetUp(challenge:)`),
    /// with this challenge, shown only now.
    case secondFactorNeeded(challenge: String, purpose: SecondFactorChallengePurpose)
}

/// Sign-in for the web, with its sessions and throttle in the database: every server process on one database sees
/// the same sessions and the same counters. A session row is made only by a successful sign-in (never by showing
/// the form), so its count is bounded by sign-ins; expired sessions are swept at each sign-in.
extension Commissioning {
    static let signInFormSecretName = "sign-in-form-hmac"

    /// Tries a sign-in. The counters are checked first, and the attempt is counted as a failure before the password is
    /// (so that attempts sent at once cannot all pass the check before any is counted); a correct password then clears
    /// the account's counters and gives the address its attempt back. `verify` checks the password against the stored
    /// hash (bcrypt, done by the caller, outside any transaction). `replacing` is the browser's old session, ended.
    public func signIn(
        name: String, address: String, throttle policy: SignInThrottlePolicy = .init(),
        sessions: SessionPolicy = .init(), replacing oldSessionID: String? = nil, verify: (String) -> Bool
    ) async throws -> SignInAttempt {
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let keys = Self.throttleKeys(name: name, address: address)
        if let seconds = try await countAttempt(keys, nowMs: nowMs, policy: policy) { return .wait(seconds: seconds) }
        guard let hash = try await passwordHash(of: name), verify(hash) else { return .refused }
        // A disabled person is refused as a wrong password is: the form does not say the account exists.
        guard try await person(named: name)?.isDisabled == false else { return .refused }
        let secondFactor = try await secondFactorChallengePurpose(person: name)
        return try await store.write { tx -> SignInAttempt in
            for key in keys {
                guard key.kind == .address else {
                    try tx.deleteThrottleEntry(keySHA256: key.sha256)
                    continue
                }
                guard let entry = try tx.throttleEntries(keySHA256: [key.sha256]).first else { continue }
                let failures = max(0, entry.failures - 1)
                let stillBlocked = policy.delaySeconds(afterFailures: failures, kind: .address) > 0
                try tx.saveThrottleEntry(
                    StoredThrottleEntry(
                        keySHA256: entry.keySHA256, kind: entry.kind, failures: failures,
                        blockedUntilMs: stillBlocked ? entry.blockedUntilMs : 0, updatedAtMs: entry.updatedAtMs))
            }
            if let secondFactor {
                let challenge = try self.newSecondFactorChallenge(
                    person: name, purpose: secondFactor, in: tx, nowMs: nowMs)
                return .secondFactorNeeded(challenge: challenge, purpose: secondFactor)
            }
            return try self.startSession(
                person: name, sessions: sessions, replacing: oldSessionID, nowMs: nowMs, in: tx)
        }
    }

    /// In the caller's transaction: sweeps expired sessions, ends the browser's old one and makes a new one for
    /// `person`, whose id is returned only now.
    func startSession(
        person name: String, sessions: SessionPolicy, replacing oldSessionID: String?, nowMs: Int64,
        in tx: any StoreTransaction
    ) throws -> SignInAttempt {
        // Disabled between the password and the code: no session.
        guard let person = try tx.person(named: name), !person.isDisabled else { return .refused }
        let sessionID = Self.newFeedToken()
        let session = WebSession(person: name, csrf: Self.newFeedToken())
        _ = try tx.deleteSessions(
            lastSeenBeforeMs: nowMs - Int64(sessions.idleSeconds) * 1000,
            createdBeforeMs: nowMs - Int64(sessions.lifetimeSeconds) * 1000)
        if let oldSessionID, Self.isWellFormedFeedToken(oldSessionID) {
            try tx.deleteSession(idSHA256: SHA256Hex.of(oldSessionID))
        }
        try tx.noteSignIn(person: name, at: clock.timestamp())
        try tx.insertSession(
            StoredSession(
                idSHA256: SHA256Hex.of(sessionID), person: name, csrf: session.csrf, createdAtMs: nowMs,
                lastSeenAtMs: nowMs))
        return .signedIn(sessionID: sessionID, session: session)
    }

    /// The counters an attempt touches, each by the SHA-256 of what it counts (a name typed may be a password typed
    /// in the wrong box: it is never stored as typed). Names and addresses are joined with a byte neither can hold.
    static func throttleKeys(name: String, address: String) -> [(kind: SignInThrottlePolicy.Kind, sha256: String)] {
        [
            (.account, SHA256Hex.of("account\u{0}" + name)),
            (.addressAccount, SHA256Hex.of("address-account\u{0}" + address + "\u{0}" + name)),
            (.address, SHA256Hex.of("address\u{0}" + address)),
        ]
    }

    /// In one transaction: the longest wait any counter imposes (nil when none does, and then the attempt is counted
    /// on each), and the table trimmed to its bound.
    func countAttempt(
        _ keys: [(kind: SignInThrottlePolicy.Kind, sha256: String)], nowMs: Int64, policy: SignInThrottlePolicy
    ) async throws -> Int? {
        let forgetMs = Int64(policy.forgetAfterSeconds) * 1000
        return try await store.write { tx -> Int? in
            let entries = try tx.throttleEntries(keySHA256: keys.map(\.sha256))
            let waitMs = entries.map { $0.blockedUntilMs - nowMs }.max() ?? 0
            if waitMs > 0 { return Int((waitMs + 999) / 1000) }
            for key in keys {
                let previous = entries.first { $0.keySHA256 == key.sha256 }
                let recent = previous.map { nowMs - $0.updatedAtMs < forgetMs ? $0.failures : 0 } ?? 0
                let delay = policy.delaySeconds(afterFailures: recent + 1, kind: key.kind)
                try tx.saveThrottleEntry(
                    StoredThrottleEntry(
                        keySHA256: key.sha256, kind: key.kind.rawValue, failures: recent + 1,
                        blockedUntilMs: delay > 0 ? nowMs + Int64(delay) * 1000 : 0, updatedAtMs: nowMs))
            }
            try tx.trimThrottle(forgetBeforeMs: nowMs - forgetMs, nowMs: nowMs, keepAtMost: policy.largestTable)
            return nil
        }
    }

    /// The session whose id is `id`, or nil when there is none or it has expired (an expired one is deleted). Its
    /// last use is recorded when the recorded one is older than the policy's `touchEverySeconds`.
    public func session(id: String, policy: SessionPolicy = .init()) async throws -> WebSession? {
        try await session(id: id, policy: policy, countingUnread: false)?.session
    }

    /// The most unread notifications the header badge counts: past it the badge says "99+", and the count stops
    /// there instead of walking a backlog of thousands on every page.
    public static let badgeLimit = 99

    /// `session(id:policy:)` and the person's unread notifications (the pages' header badge), read in the one
    /// transaction: a page costs one read before its own instead of two. The count stops at `badgeLimit + 1`.
    public func sessionWithUnreadCount(
        id: String, policy: SessionPolicy = .init()
    ) async throws -> (session: WebSession, unread: Int)? {
        try await session(id: id, policy: policy, countingUnread: true).map { ($0.session, $0.unread ?? 0) }
    }

    private func session(
        id: String, policy: SessionPolicy, countingUnread: Bool
    ) async throws -> (session: WebSession, unread: Int?)? {
        guard Self.isWellFormedFeedToken(id) else { return nil }
        let sha256 = SHA256Hex.of(id)
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let read = try await store.read { tx -> (StoredSession, Int?)? in
            guard let stored = try tx.session(idSHA256: sha256) else { return nil }
            return (
                stored,
                countingUnread
                    ? try tx.unreadNotificationCount(recipient: stored.person, upTo: Self.badgeLimit + 1) : nil
            )
        }
        guard let (stored, unread) = read else { return nil }
        let idle = nowMs - stored.lastSeenAtMs >= Int64(policy.idleSeconds) * 1000
        let old = nowMs - stored.createdAtMs >= Int64(policy.lifetimeSeconds) * 1000
        if idle || old {
            // A database busy with other writers only delays the sweep: the session is refused either way.
            try? await store.write { try $0.deleteSession(idSHA256: sha256) }
            return nil
        }
        if nowMs - stored.lastSeenAtMs >= Int64(policy.touchEverySeconds) * 1000 {
            // Best effort: a busy database must not turn a page view into an error; the next request records it.
            try? await store.write { try $0.touchSession(idSHA256: sha256, atMs: nowMs) }
        }
        return (WebSession(person: stored.person, csrf: stored.csrf), unread)
    }

    /// Ends a session (sign-out). An unknown or malformed id ends nothing.
    public func endSession(id: String) async throws {
        guard Self.isWellFormedFeedToken(id) else { return }
        try await store.write { try $0.deleteSession(idSHA256: SHA256Hex.of(id)) }
    }

    /// How many sessions are stored (signed in and not yet swept).
    public func sessionCount() async throws -> Int {
        try await store.read { try $0.sessionCount() }
    }

    /// How many sign-in throttle counters are stored.
    public func signInThrottleEntryCount() async throws -> Int {
        try await store.read { try $0.throttleEntryCount() }
    }

    /// The signer of sign-in forms, with the key every process on this database shares (made by the first to ask).
    public func signInFormTokens(lifetimeSeconds: Int = 60 * 60) async throws -> SignInFormTokens {
        let name = Self.signInFormSecretName
        if let key = try await store.read({ try $0.webSecret(named: name) }) {
            return SignInFormTokens(keyHex: key, lifetimeSeconds: lifetimeSeconds)
        }
        let key = try await store.write { tx -> String in
            try tx.saveWebSecretIfAbsent(named: name, valueHex: Self.newFeedToken())
            guard let key = try tx.webSecret(named: name) else { throw StoreError.notFound(what: "secret \(name)") }
            return key
        }
        return SignInFormTokens(keyHex: key, lifetimeSeconds: lifetimeSeconds)
    }
}
