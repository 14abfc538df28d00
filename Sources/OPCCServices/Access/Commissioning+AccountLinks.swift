import Crypto
import Foundation
import OPCCCore
import OPCCStore

/// A one-time link as issued: for whom, for what and until when. Never the token: it travels only in the mail.
public struct IssuedAccountLink: Hashable, Sendable {
    public let person: String
    public let purpose: AccountLinkPurpose
    /// When the link stops working (`2026-11-20T13:00:00.000Z`).
    public let expiresAt: String
    /// How many mails were queued for it (one; none when the outbox already held this one).
    public let mailsQueued: Int
}

/// What the set-password page shows of a link before it is used: whose it is and what it is for.
public struct AccountLinkView: Hashable, Sendable {
    public let person: String
    public let displayName: String
    public let purpose: AccountLinkPurpose
}

/// A password set by a link.
public struct AccountLinkRedeemed: Hashable, Sendable {
    public let person: String
    public let purpose: AccountLinkPurpose
    /// The person's web sessions the new password ended.
    public let sessionsEnded: Int
}

/// What a visitor's request for a password reset came to. Whether the name is known is never said.
public enum PasswordResetRequest: Hashable, Sendable {
    /// Answered "if we know that name, a link is on its way", whether or not a link was sent.
    case answered
    /// Too many recent requests from this address or for this name: nothing was looked up; try again later.
    case wait(seconds: Int)
}

/// Accounts by mail: invitations for new people and password resets, each by a one-time link that works once, for an
/// hour, and only until a newer one is sent. The token is 32 random bytes (base64url), put in the mail and nowhere
/// else: the store keeps its SHA-256, the audit log and the server's log never see it. Issuing is one transaction:
/// the link, its audit event and the mail in the outbox commit together or not at all.
extension Commissioning {
    /// Sends `name` an invitation to choose their first password. Only their office's chief executive may, and only
    /// while the person has no password (someone who has one is sent a reset). `linkBase` is the public address the
    /// mail's link starts with (`https://opcc.example`).
    public func inviteByMail(
        _ name: String, by actorName: String, linkBase: String? = nil, on day: Day? = nil
    ) async throws -> IssuedAccountLink {
        let today = try dayNotAfterToday(day)
        return try await store.write { tx in
            let person = try actor(named: name, in: tx)
            let acting = try actor(named: actorName, in: tx)
            guard acting.managesPeople(of: person.office) else {
                throw ServiceRefusal.forbidden(
                    rule: .invitationByChiefExecutive,
                    message: "only the chief executive of \(person.office) may invite \(person.name)")
            }
            guard try !tx.hasPassword(person: person.name) else {
                throw ServiceRefusal(
                    rule: .invitationBeforePassword,
                    message: "\(person.name) already has a password: send a reset instead ('opcc user reset')")
            }
            return try issueLink(.invitation, to: person, by: actorName, linkBase: linkBase, on: today, in: tx)
        }
    }

    /// Sends `name` a link to choose a new password, as the person themself or their office's chief executive.
    public func sendPasswordReset(
        _ name: String, by actorName: String, linkBase: String? = nil, on day: Day? = nil
    ) async throws -> IssuedAccountLink {
        let today = try dayNotAfterToday(day)
        return try await store.write { tx in
            let person = try actor(named: name, in: tx)
            let acting = try actor(named: actorName, in: tx)
            guard
                acting.name == person.name
                    || acting.managesPeople(of: person.office)
            else {
                throw ServiceRefusal.forbidden(
                    rule: .passwordSetByPersonOrChiefExecutive,
                    message: "only \(person.name) or the chief executive of \(person.office) may reset their password")
            }
            return try issueLink(.passwordReset, to: person, by: actorName, linkBase: linkBase, on: today, in: tx)
        }
    }

    /// A visitor's "forgot your password?": `nameOrAddress` is a sign-in name or an email address, `address` the
    /// client's (as the sign-in throttle counts it). The request is counted first, like a failed sign-in but on
    /// counters of its own (so requests cannot keep anyone from signing in); then, when a person answers to it, a
    /// reset is sent. The answer is the same whether or not anyone does.
    public func requestPasswordReset(
        nameOrAddress: String, address: String, throttle policy: SignInThrottlePolicy = .init(),
        linkBase: String? = nil
    ) async throws -> PasswordResetRequest {
        let typed = nameOrAddress.trimmingCharacters(in: .whitespacesAndNewlines)
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let keys = Self.throttleKeys(name: "password-reset\u{0}" + typed, address: "password-reset\u{0}" + address)
        if let seconds = try await countAttempt(keys, nowMs: nowMs, policy: policy) { return .wait(seconds: seconds) }
        guard !typed.isEmpty, typed.count <= 320 else { return .answered }
        let today = clock.today()
        try await store.write { tx in
            for person in try peopleAnswering(to: typed, in: tx) {
                _ = try issueLink(
                    .passwordReset, to: person, by: Self.systemActor, linkBase: linkBase, on: today, in: tx,
                    requestedFrom: "the sign-in page")
            }
        }
        return .answered
    }

    /// The people a visitor's typed text stands for: the person of that sign-in name, or everyone whose email
    /// address it is (compared without regard to case; each is sent their own link).
    private func peopleAnswering(to typed: String, in tx: any StoreTransaction) throws -> [StoredPerson] {
        guard typed.contains("@") else { return try tx.person(named: typed).map { [$0] } ?? [] }
        let address = typed.lowercased()
        return try tx.people(office: nil).filter { $0.email?.lowercased() == address }
    }

    /// The link's person and purpose, for the set-password page, or the one refusal a visitor is given for a link
    /// that does not work (its rule says why: unknown, expired, used or superseded). Reads only.
    public func accountLink(token: String) async throws -> AccountLinkView {
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        return try await store.read { tx in
            guard Self.isWellFormedLinkToken(token), let link = try tx.accountLink(tokenSHA256: SHA256Hex.of(token))
            else { throw Self.linkRefusal(.unknown) }
            if let refusal = link.refusal(atMs: nowMs) { throw Self.linkRefusal(refusal) }
            let person = try actor(named: link.person, in: tx)
            return AccountLinkView(person: person.name, displayName: person.displayName, purpose: link.purpose)
        }
    }

    /// Sets the link's person's password to `password` and uses the link up, in one transaction with its audit event:
    /// every web session of the person ends, and every other unused link of theirs is superseded. A password that
    /// breaks the rules is refused (`password-length`) and leaves the link as it was. `hash` makes the stored hash
    /// (bcrypt, by the caller, outside any transaction). A link that does not work gets the one refusal of
    /// `accountLink(token:)`; when it is a known link, the attempt and its reason are an audit event.
    public func redeemAccountLink(
        token: String, password: String, hash: @Sendable (String) -> String
    ) async throws -> AccountLinkRedeemed {
        let found = try await store.read { tx in
            Self.isWellFormedLinkToken(token) ? try tx.accountLink(tokenSHA256: SHA256Hex.of(token)) : nil
        }
        guard let found else { throw Self.linkRefusal(.unknown) }
        if let refusal = found.refusal(atMs: SignInFormTokens.milliseconds(clock.now())) {
            _ = try await store.write { tx in try tx.append(refusedUse(of: found, because: refusal)) }
            throw Self.linkRefusal(refusal)
        }
        try Self.checkPassword(password)
        let passwordHash = hash(password)
        let outcome = try await store.write { tx -> Result<AccountLinkRedeemed, AccountLinkRefusalError> in
            let nowMs = SignInFormTokens.milliseconds(clock.now())
            // Read again: another use, or a newer link, may have come since.
            guard let link = try tx.accountLink(tokenSHA256: SHA256Hex.of(token)) else {
                return .failure(AccountLinkRefusalError(reason: .unknown))
            }
            let refusal = link.refusal(atMs: nowMs)
            guard refusal == nil, try tx.markAccountLinkUsed(id: link.id, atMs: nowMs) else {
                let reason = refusal ?? .used
                try tx.append(refusedUse(of: link, because: reason))
                return .failure(AccountLinkRefusalError(reason: reason))
            }
            try tx.savePasswordHash(passwordHash, person: link.person, at: clock.timestamp())
            let ended = try tx.deleteSessions(person: link.person, except: nil)
            _ = try tx.supersedeAccountLinks(person: link.person)
            try tx.append(
                AuditEventDraft(
                    office: link.office, event: "password-set-by-link", actor: link.person, effectiveDay: clock.today(),
                    recordedAt: clock.timestamp(),
                    payload: [
                        "person": link.person, "purpose": link.purpose.rawValue, "sessionsEnded": String(ended),
                    ]))
            return .success(AccountLinkRedeemed(person: link.person, purpose: link.purpose, sessionsEnded: ended))
        }
        switch outcome {
        case .success(let redeemed): return redeemed
        case .failure(let refused): throw Self.linkRefusal(refused.reason)
        }
    }

    /// The audit event of a refused use of a known link: whose, for what, and why (never the token).
    private func refusedUse(of link: StoredAccountLink, because reason: AccountLinkRefusal) -> AuditEventDraft {
        AuditEventDraft(
            office: link.office, event: "account-link-refused", actor: Self.systemActor, effectiveDay: clock.today(),
            recordedAt: clock.timestamp(),
            payload: ["person": link.person, "purpose": link.purpose.rawValue, "reason": reason.rawValue])
    }

    /// The password rules every way of setting one shares: at least 8 characters.
    public static func checkPassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw ServiceRefusal(
                rule: .passwordLength, message: "a password needs at least \(minimumPasswordLength) characters")
        }
    }

    public static let minimumPasswordLength = 8

    /// The password rules, as a form's help text says them.
    public static let passwordRulesHelp =
        "At least \(minimumPasswordLength) characters. A few words you will remember make a good one."

    /// The one answer a visitor gets for a link that does not work, whatever the reason (its rule records which).
    static func linkRefusal(_ reason: AccountLinkRefusal) -> ServiceRefusal {
        let rule: ServiceRefusal.Rule =
            switch reason {
            case .unknown: .accountLinkKnown
            case .expired: .accountLinkCurrent
            case .used: .accountLinkUnused
            case .superseded: .accountLinkLatest
            }
        return ServiceRefusal.notFound(rule: rule, message: linkNoLongerWorks)
    }

    public static let linkNoLongerWorks =
        "This link no longer works. Links work once, for an hour, and only the newest one sent works. Ask for a new "
        + "one with 'Forgot your password?' on the sign-in page, or ask your office's chief executive."

    /// 32 random bytes from the system's cryptographic generator, as base64url without padding: 43 characters.
    static func newLinkToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func isWellFormedLinkToken(_ token: String) -> Bool {
        token.utf8.count == 43
            && token.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95
            }
    }
}

/// Why a known link was refused inside the transaction that recorded it (the refusal is thrown after the commit).
struct AccountLinkRefusalError: Error, Sendable {
    let reason: AccountLinkRefusal
}
