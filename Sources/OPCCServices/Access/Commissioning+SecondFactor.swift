import Crypto
import Foundation
import OPCCCore
import OPCCStore

/// A second factor being set up: the secret to type into an authenticator app (or its `otpauth://` link), shown once.
public struct SecondFactorSetUp: Hashable, Sendable {
    /// The secret in base 32, grouped in fours for typing.
    public let secret: String
    public let provisioningURI: String
}

/// Where a person stands with the second factor.
public struct SecondFactorStatus: Hashable, Sendable {
    /// A factor is set up and asked for at every sign-in.
    public let enabled: Bool
    /// The office requires one for a role the person holds.
    public let required: Bool
    /// Recovery codes not yet used.
    public let recoveryCodesLeft: Int
}

/// The second factor (TOTP, RFC 6238): set up by each person, required by the office profile for the roles it names
/// (`secondFactorRequiredFor`). A correct password for a person with a factor makes no session but a challenge, a
/// random token kept only as its SHA-256, which a code from the app (or an unused recovery code) turns into a session
/// within five minutes and five tries; a person whose office requires a factor they lack gets a challenge that sets
/// one up. Codes are accepted one step either side of now, each step once. Recovery codes are stored as SHA-256.
extension Commissioning {
    /// Minutes a challenge lasts.
    static let secondFactorChallengeSeconds: Int64 = 5 * 60
    /// Wrong codes a challenge takes before the password must be given again.
    static let secondFactorChallengeTries = 5
    /// Recovery codes made at set-up.
    static let recoveryCodeCount = 10

    /// Whether `person` must give a second factor after their password, and which kind of challenge that is: nil when
    /// they have none and need none.
    func secondFactorChallengePurpose(person name: String) async throws -> SecondFactorChallengePurpose? {
        guard let person = try await store.read({ try $0.person(named: name) }) else { return nil }
        if let factor = try await store.read({ try $0.secondFactor(person: name) }), factor.confirmedAtMs != nil {
            return .signIn
        }
        return try await secondFactorRequired(for: person) ? .setUp : nil
    }

    func secondFactorRequired(for person: StoredPerson) async throws -> Bool {
        let required = Set(try await profile(of: person.office).secondFactorRequiredFor)
        return person.grants.contains { required.contains($0.role) }
    }

    /// Stores a new challenge for `person` and returns its token (shown only now).
    func newSecondFactorChallenge(
        person: String, purpose: SecondFactorChallengePurpose, in tx: any StoreTransaction, nowMs: Int64
    ) throws -> String {
        let token = Self.newFeedToken()
        try tx.insertSecondFactorChallenge(
            StoredSecondFactorChallenge(
                tokenSHA256: SHA256Hex.of(token), person: person, purpose: purpose, createdAtMs: nowMs,
                expiresAtMs: nowMs + Self.secondFactorChallengeSeconds * 1000, failures: 0, usedAtMs: nil))
        return token
    }

    /// The live challenge whose token is `token`, of `purpose`; refused (`second-factor-challenge-current`) when it is
    /// unknown, used, expired or out of tries: the person signs in again.
    func liveChallenge(
        _ token: String, purpose: SecondFactorChallengePurpose
    ) async throws
        -> StoredSecondFactorChallenge
    {
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let refusal = ServiceRefusal(
            rule: .secondFactorChallengeCurrent,
            message: "this sign-in has expired or had too many wrong codes: sign in again with your password")
        guard Self.isWellFormedFeedToken(token),
            let challenge = try await store.read({ try $0.secondFactorChallenge(tokenSHA256: SHA256Hex.of(token)) }),
            challenge.purpose == purpose, challenge.usedAtMs == nil, challenge.expiresAtMs > nowMs,
            challenge.failures < Self.secondFactorChallengeTries
        else { throw refusal }
        return challenge
    }

    /// Finishes a sign-in with the code from the app, or an unused recovery code (which is then used up). A wrong code
    /// counts against the challenge and is refused (`second-factor-code`), as is a code already used.
    public func completeSignIn(
        challenge token: String, code: String, sessions: SessionPolicy = .init(), replacing oldSessionID: String? = nil
    ) async throws -> SignInAttempt {
        let challenge = try await liveChallenge(token, purpose: .signIn)
        let name = challenge.person
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let unixSeconds = nowMs / 1000
        let recoverySHA256 = Self.recoveryCodeSHA256(code)
        let today = clock.today()
        let timestamp = clock.timestamp()
        let result = try await store.write { tx -> SignInAttempt? in
            guard let factor = try tx.secondFactor(person: name), factor.confirmedAtMs != nil,
                let person = try tx.person(named: name)
            else { return nil }
            var accepted = false
            if let secret = Base32.decode(factor.secretBase32),
                let step = TOTP.matchingStep(code, secret: secret, at: unixSeconds, after: factor.lastStep)
            {
                accepted = try tx.useSecondFactorStep(person: name, step: step)
            } else if let recoverySHA256, try tx.useRecoveryCode(person: name, sha256: recoverySHA256, atMs: nowMs) {
                accepted = true
                try tx.append(
                    AuditEventDraft(
                        office: person.office, event: "recovery-code-used", actor: name, effectiveDay: today,
                        recordedAt: timestamp,
                        payload: ["person": name, "left": String(try tx.unusedRecoveryCodeCount(person: name))],
                        sealSubject: .person(name)))
            }
            guard accepted, try tx.markSecondFactorChallengeUsed(tokenSHA256: challenge.tokenSHA256, atMs: nowMs)
            else { return nil }
            return try self.startSession(
                person: name, sessions: sessions, replacing: oldSessionID, nowMs: nowMs, in: tx)
        }
        guard let result else {
            try await store.write { try $0.countSecondFactorFailure(tokenSHA256: challenge.tokenSHA256) }
            throw ServiceRefusal(
                rule: .secondFactorCode,
                message: "that code is not right (or was used already): type the 6 digits your authenticator app "
                    + "shows now, or one of your recovery codes")
        }
        return result
    }

    /// Starts setting up a factor during a sign-in the office requires one for (a `set-up` challenge).
    public func beginSecondFactorSetUp(challenge token: String) async throws -> SecondFactorSetUp {
        let challenge = try await liveChallenge(token, purpose: .setUp)
        return try await beginSecondFactorSetUp(person: challenge.person)
    }

    /// Finishes a set-up begun under a `set-up` challenge: the code proves the app holds the secret; the person is
    /// signed in, and their recovery codes are returned (shown only now).
    public func confirmSecondFactorSetUp(
        challenge token: String, code: String, sessions: SessionPolicy = .init(), replacing oldSessionID: String? = nil
    ) async throws -> (attempt: SignInAttempt, recoveryCodes: [String]) {
        let challenge = try await liveChallenge(token, purpose: .setUp)
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        do {
            return try await confirmSecondFactor(person: challenge.person, code: code, nowMs: nowMs) { tx in
                guard try tx.markSecondFactorChallengeUsed(tokenSHA256: challenge.tokenSHA256, atMs: nowMs) else {
                    throw ServiceRefusal(
                        rule: .secondFactorChallengeCurrent, message: "this sign-in was finished already: sign in again"
                    )
                }
                return try self.startSession(
                    person: challenge.person, sessions: sessions, replacing: oldSessionID, nowMs: nowMs, in: tx)
            }
        } catch let refusal as ServiceRefusal where refusal.rule == ServiceRefusal.Rule.secondFactorCode.rawValue {
            try await store.write { try $0.countSecondFactorFailure(tokenSHA256: challenge.tokenSHA256) }
            throw refusal
        }
    }

    /// Starts setting up a factor for a signed-in person, or shows again the secret of one being set up. Refused when
    /// one is set up already (`second-factor-set-up-once`): remove it first.
    public func beginSecondFactorSetUp(person name: String) async throws -> SecondFactorSetUp {
        var fresh = [UInt8](repeating: 0, count: TOTP.secretBytes)
        SymmetricKey(size: .init(bitCount: TOTP.secretBytes * 8)).withUnsafeBytes { fresh = Array($0) }
        let freshEncoded = Base32.encode(fresh)
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let (person, encoded) = try await store.write { tx -> (StoredPerson, String) in
            let person = try actor(named: name, in: tx)
            if let existing = try tx.secondFactor(person: name) {
                guard existing.confirmedAtMs == nil else {
                    throw ServiceRefusal(
                        rule: .secondFactorSetUpOnce,
                        message: "\(name) has a second factor already: remove it first to set up another")
                }
                // A set-up already begun (a wrong code typed, the page opened again) keeps its secret: the app may
                // hold it already.
                return (person, existing.secretBase32)
            }
            try tx.saveUnconfirmedSecondFactor(person: name, secretBase32: freshEncoded, atMs: nowMs)
            return (person, freshEncoded)
        }
        let secret = Base32.decode(encoded) ?? fresh
        let issuer = (try? await profile(of: person.office).name) ?? "opcc"
        let grouped = stride(from: 0, to: encoded.count, by: 4).map { start -> String in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(
                encoded[from..<(encoded.index(from, offsetBy: 4, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
        return SecondFactorSetUp(
            secret: grouped.joined(separator: " "),
            provisioningURI: TOTP.provisioningURI(secret: secret, account: name, issuer: issuer))
    }

    /// Confirms a signed-in person's factor with a code from the app; returns their recovery codes (shown only now).
    public func confirmSecondFactor(person name: String, code: String) async throws -> [String] {
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        return try await confirmSecondFactor(person: name, code: code, nowMs: nowMs) { _ in () }.recoveryCodes
    }

    /// In one transaction: checks `code` against the person's unconfirmed secret, confirms it, stores new recovery
    /// codes (their SHA-256), records `second-factor-set-up`, then runs `also`.
    func confirmSecondFactor<T: Sendable>(
        person name: String, code: String, nowMs: Int64, also: @escaping @Sendable (any StoreTransaction) throws -> T
    ) async throws -> (attempt: T, recoveryCodes: [String]) {
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
        let hashes = codes.compactMap(Self.recoveryCodeSHA256)
        let today = clock.today()
        let timestamp = clock.timestamp()
        let result = try await store.write { tx -> T in
            let person = try actor(named: name, in: tx)
            guard let factor = try tx.secondFactor(person: name), factor.confirmedAtMs == nil,
                let secret = Base32.decode(factor.secretBase32)
            else {
                throw ServiceRefusal(
                    rule: .secondFactorPending,
                    message: "\(name) has no second factor being set up: start the set-up again")
            }
            guard let step = TOTP.matchingStep(code, secret: secret, at: nowMs / 1000, after: nil),
                try tx.confirmSecondFactor(person: name, atMs: nowMs, step: step)
            else {
                throw ServiceRefusal(
                    rule: .secondFactorCode,
                    message: "that code is not right: type the 6 digits your authenticator app shows now")
            }
            try tx.replaceRecoveryCodes(person: name, sha256s: hashes, atMs: nowMs)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "second-factor-set-up", actor: name, effectiveDay: today,
                    recordedAt: timestamp, payload: ["person": name, "recoveryCodes": String(hashes.count)],
                    sealSubject: .person(name)))
            return try also(tx)
        }
        return (result, codes)
    }

    /// Removes a person's factor (a lost phone): by the person, unless the office requires one for a role they hold
    /// (`second-factor-required`), or by their office's chief executive or an administrator, after which the person sets a new one up at
    /// their next sign-in if it is required. Their sessions end. Recorded as `second-factor-removed`.
    public func removeSecondFactor(person name: String, by actorName: String) async throws {
        let today = clock.today()
        let timestamp = clock.timestamp()
        let (person, actor) = try await store.read { tx in
            (try self.actor(named: name, in: tx), try self.actor(named: actorName, in: tx))
        }
        // The same test as every other people-management act: an active chief executive or administrator of the office.
        let byChiefExecutive = actor.managesPeople(of: person.office)
        guard actorName == name || byChiefExecutive else {
            throw ServiceRefusal.forbidden(
                rule: .secondFactorRemovedBySelfOrChiefExecutive,
                message:
                    "only \(name) or their office's chief executive or an administrator may remove their second factor")
        }
        if actorName == name, !byChiefExecutive, try await secondFactorRequired(for: person) {
            throw ServiceRefusal.forbidden(
                rule: .secondFactorRequired,
                message: "your office requires a second factor for your role: ask the chief executive to reset it")
        }
        try await store.write { tx in
            guard try tx.removeSecondFactor(person: name) else {
                throw ServiceRefusal(rule: .secondFactorPending, message: "\(name) has no second factor to remove")
            }
            _ = try tx.deleteSessions(person: name, except: nil)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "second-factor-removed", actor: actorName, effectiveDay: today,
                    recordedAt: timestamp, payload: ["person": name], sealSubject: .person(name)))
        }
    }

    /// Where `person` stands with the second factor.
    public func secondFactorStatus(person name: String) async throws -> SecondFactorStatus {
        let (person, factor, left) = try await store.read { tx in
            (
                try self.actor(named: name, in: tx), try tx.secondFactor(person: name),
                try tx.unusedRecoveryCodeCount(person: name)
            )
        }
        return SecondFactorStatus(
            enabled: factor?.confirmedAtMs != nil, required: try await secondFactorRequired(for: person),
            recoveryCodesLeft: factor?.confirmedAtMs != nil ? left : 0)
    }

    /// A recovery code: ten characters of base 32 (50 bits), written as two groups of five.
    static func newRecoveryCode() -> String {
        var bytes = [UInt8](repeating: 0, count: 7)
        SymmetricKey(size: .init(bitCount: 56)).withUnsafeBytes { bytes = Array($0) }
        let text = String(Base32.encode(bytes).prefix(10))
        return text.prefix(5) + "-" + text.suffix(5)
    }

    /// The SHA-256 a recovery code is stored under: of its ten characters, upper case, without spaces or hyphens; nil
    /// for what cannot be one.
    static func recoveryCodeSHA256(_ typed: String) -> String? {
        let cleaned = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard cleaned.count == 10, cleaned.unicodeScalars.allSatisfy({ $0.isASCII }), Base32.decode(cleaned) != nil
        else { return nil }
        return SHA256Hex.of("recovery-code\u{0}" + cleaned)
    }
}
