import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Synchronization
import Testing

/// A clock the test moves.
final class MovableClock: OPCCServices.Clock {
    private let instant: Mutex<Date>
    init(_ start: Date) { instant = Mutex(start) }
    func now() -> Date { instant.withLock { $0 } }
    func advance(seconds: Double) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The demo over an in-memory store, on a clock the test moves, with `cumbria.officer`'s password hash known.
private func signInDemo(_ engine: TestEngine) async throws -> (Commissioning, MovableClock) {
    let clock = MovableClock(FixedClock(day: day("2026-11-20")).now())
    let app = try Commissioning(store: try engine.makeStore(), catalog: try shippedCatalog(), clock: clock)
    _ = try await app.loadDemo(from: home, returns: false)
    for person in try await app.everyone() { try await app.setPasswordHash(storedHash, of: person.name) }
    return (app, clock)
}

/// A stand-in for a bcrypt hash (the store checks the `$2` prefix; bcrypt itself is the web's).
private let storedHash = "$2b$04$the-right-password"

/// The services' `verify` for a typed password: right only for the demo's stand-in.
private func typed(_ password: String) -> (String) -> Bool {
    { hash in hash == storedHash && password == "right" }
}

private func waitSeconds(_ attempt: SignInAttempt) -> Int? {
    if case .wait(let seconds) = attempt { return seconds }
    return nil
}

private func isSignedIn(_ attempt: SignInAttempt) -> Bool {
    if case .signedIn = attempt { return true }
    return false
}

private func refusalRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "\(error)"
    }
}

@Suite("Services: sign-in throttle, sessions in the database and password changes")
struct SignInServiceTests {
    @Test func theDelayIsNoneForTheFreeFailuresThenDoublesToItsCeiling() {
        let policy = SignInThrottlePolicy()
        let table: [(failures: Int, kind: SignInThrottlePolicy.Kind, seconds: Int)] = [
            (1, .account, 0), (4, .account, 0), (5, .account, 1), (6, .account, 2), (8, .account, 8),
            (11, .account, 60), (1000, .account, 60),
            (5, .addressAccount, 1), (14, .addressAccount, 512), (15, .addressAccount, 900),
            (1000, .addressAccount, 900),
            (20, .address, 0), (99, .address, 0), (100, .address, 1), (101, .address, 2), (1000, .address, 900),
        ]
        for row in table {
            #expect(
                policy.delaySeconds(afterFailures: row.failures, kind: row.kind) == row.seconds,
                "\(row.failures) failures of \(row.kind)")
        }
    }

    @Test(arguments: TestEngine.all) func aPerAccountDelayGrowsWithEachFailureAndARightPasswordAfterItSignsIn(
        engine: TestEngine
    ) async throws {
        let (app, clock) = try await signInDemo(engine)
        let policy = SignInThrottlePolicy()
        for _ in 0..<4 {
            await #expect(
                try waitSeconds(
                    app.signIn(
                        name: "cumbria.auditor", address: "198.51.100.1", throttle: policy, verify: typed("wrong")))
                    == nil)
        }
        // The fifth failure starts the waits: 1 s, then 2, 4, 8 after each further failure, from any address.
        var expected = 1
        for attempt in 0..<4 {
            await #expect(
                !isSignedIn(
                    try app.signIn(
                        name: "cumbria.auditor", address: "198.51.100.\(attempt + 2)", throttle: policy,
                        verify: typed("wrong"))))
            let blocked = try await app.signIn(
                name: "cumbria.auditor", address: "203.0.113.\(attempt)", throttle: policy, verify: typed("right"))
            #expect(waitSeconds(blocked) == expected, "after \(5 + attempt) failures")
            clock.advance(seconds: Double(expected))
            expected *= 2
        }
        await #expect(
            isSignedIn(try app.signIn(name: "cumbria.auditor", address: "203.0.113.9", verify: typed("right"))))
        // Signing in cleared the account's counter: a failure now costs no wait.
        _ = try await app.signIn(name: "cumbria.auditor", address: "203.0.113.9", verify: typed("wrong"))
        await #expect(
            waitSeconds(try app.signIn(name: "cumbria.auditor", address: "203.0.113.9", verify: typed("right"))) == nil)
    }

    @Test(arguments: TestEngine.all) func anAccountsOwnWaitStaysShortSoNoOneCanKeepItsOwnerOut(
        engine: TestEngine
    ) async throws {
        let (app, clock) = try await signInDemo(engine)
        // Someone keeps guessing the Commissioner's password from many addresses, waiting out each delay.
        for attempt in 0..<30 {
            let result = try await app.signIn(
                name: "cumbria.pcc", address: "192.0.2.\(attempt)", verify: typed("wrong"))
            if let seconds = waitSeconds(result) {
                #expect(seconds <= 60)
                clock.advance(seconds: Double(seconds))
            }
        }
        clock.advance(seconds: 60)
        await #expect(isSignedIn(try app.signIn(name: "cumbria.pcc", address: "198.51.100.7", verify: typed("right"))))
    }

    @Test(arguments: TestEngine.all) func madeUpNamesCannotGrowTheThrottleTableBeyondItsBound(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await signInDemo(engine)
        let policy = SignInThrottlePolicy(freeFailuresPerAddress: 1_000_000, largestTable: 60)
        for n in 0..<500 {
            _ = try await app.signIn(
                name: "made-up-\(n)", address: "203.0.113.\(n % 200)", throttle: policy, verify: typed("wrong"))
            await #expect(try app.signInThrottleEntryCount() <= 60)
        }
        await #expect(try app.signInThrottleEntryCount() == 60)
    }

    @Test(arguments: TestEngine.all) func aSessionEndsWhenIdleAndAtItsLifetimeAndAtSignOut(
        engine: TestEngine
    ) async throws {
        let (app, clock) = try await signInDemo(engine)
        let policy = SessionPolicy(idleSeconds: 600, lifetimeSeconds: 3600, touchEverySeconds: 60)
        func signIn() async throws -> String {
            guard
                case .signedIn(let id, let session) = try await app.signIn(
                    name: "cumbria.officer", address: "198.51.100.1", sessions: policy, verify: typed("right"))
            else { throw RawFailure() }
            #expect(session.person == "cumbria.officer")
            return id
        }
        let idle = try await signIn()
        await #expect(try app.session(id: idle, policy: policy)?.person == "cumbria.officer")
        clock.advance(seconds: 601)
        await #expect(try app.session(id: idle, policy: policy) == nil)

        // Used every five minutes it lives until its lifetime, then ends whatever happens.
        let busy = try await signIn()
        for _ in 0..<11 {
            clock.advance(seconds: 300)
            await #expect(try app.session(id: busy, policy: policy) != nil)
        }
        clock.advance(seconds: 300)
        await #expect(try app.session(id: busy, policy: policy) == nil)

        let leaving = try await signIn()
        try await app.endSession(id: leaving)
        await #expect(try app.session(id: leaving, policy: policy) == nil)
        await #expect(try app.session(id: String(repeating: "z", count: 64)) == nil)
        await #expect(try app.sessionCount() == 0)
    }

    @Test(arguments: TestEngine.all) func onlyTheSHA256OfASessionIdIsStoredAndExpiredSessionsAreSweptAtSignIn(
        engine: TestEngine
    ) async throws {
        let (app, clock) = try await signInDemo(engine)
        guard
            case .signedIn(let first, _) = try await app.signIn(
                name: "cumbria.officer", address: "a", verify: typed("right"))
        else { throw RawFailure() }
        await #expect(try app.sessionCount() == 1)
        await #expect(try app.session(id: SHA256Hex.of(first)) == nil)
        clock.advance(seconds: 2 * 60 * 60)
        _ = try await app.signIn(name: "cumbria.finance", address: "a", verify: typed("right"))
        await #expect(try app.sessionCount() == 1)
    }

    @Test(arguments: TestEngine.all) func aSignInFormTokenIsGoodOnlyForItsNonceUntilItExpires(
        engine: TestEngine
    ) async throws {
        let (app, clock) = try await signInDemo(engine)
        let forms = try await app.signInFormTokens(lifetimeSeconds: 600)
        let nonce = String(repeating: "ab", count: 32)
        let token = forms.token(for: nonce, at: clock.now())
        #expect(token.count == 80)
        #expect(forms.isValid(token, for: nonce, at: clock.now()))
        // The same key for a second process on the database.
        await #expect(try app.signInFormTokens(lifetimeSeconds: 600).isValid(token, for: nonce, at: clock.now()))
        #expect(!forms.isValid(token, for: String(repeating: "cd", count: 32), at: clock.now()))
        let flipped = String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")
        #expect(!forms.isValid(flipped, for: nonce, at: clock.now()))
        #expect(!forms.isValid("", for: nonce, at: clock.now()))
        #expect(
            !SignInFormTokens(keyHex: String(repeating: "0", count: 64)).isValid(token, for: nonce, at: clock.now()))
        clock.advance(seconds: 601)
        #expect(!forms.isValid(token, for: nonce, at: clock.now()))
    }

    @Test(arguments: TestEngine.all) func aPasswordChangeEndsThePersonsOtherSessionsAndIsAnAuditEvent(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await signInDemo(engine)
        var ids: [String] = []
        for _ in 0..<3 {
            guard
                case .signedIn(let id, _) = try await app.signIn(
                    name: "cumbria.officer", address: "a", verify: typed("right"))
            else { throw RawFailure() }
            ids.append(id)
        }
        guard
            case .signedIn(let other, _) = try await app.signIn(
                name: "cumbria.finance", address: "a", verify: typed("right"))
        else { throw RawFailure() }
        let before = try await app.auditLog(office: "cumbria").count
        let ended = try await app.changePassword(
            of: "cumbria.officer", toHash: "$2b$04$new", by: "cumbria.officer", keepingSession: ids[0])
        #expect(ended == 2)
        await #expect(try app.session(id: ids[0])?.person == "cumbria.officer")
        await #expect(try app.session(id: ids[1]) == nil)
        await #expect(try app.session(id: ids[2]) == nil)
        await #expect(try app.session(id: other)?.person == "cumbria.finance")
        await #expect(try app.passwordHash(of: "cumbria.officer") == "$2b$04$new")
        let events = try await app.auditLog(office: "cumbria")
        #expect(events.count == before + 1)
        let event = try #require(events.last)
        #expect(event.event == "password-changed")
        #expect(event.actor == "cumbria.officer")
        #expect(event.payload.contains("cumbria.officer"))
        #expect(!event.payload.contains("$2b$"))

        // The office's chief executive may, and it ends every session of the person.
        await #expect(
            try app.changePassword(of: "cumbria.officer", toHash: "$2b$04$again", by: "cumbria.chief-executive") == 1)
        await #expect(try app.session(id: ids[0]) == nil)
    }

    @Test(arguments: TestEngine.all) func aPasswordIsChangedOnlyByThePersonOrTheirOfficesChiefExecutive(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await signInDemo(engine)
        guard
            case .signedIn(let id, _) = try await app.signIn(
                name: "cumbria.officer", address: "a", verify: typed("right"))
        else { throw RawFailure() }
        let before = try await app.auditLog(office: nil).count
        for actor in ["cumbria.finance", "cumbria.pcc", "lincs.chief-executive"] {
            await #expect(
                refusalRule { try await app.changePassword(of: "cumbria.officer", toHash: "$2b$04$x", by: actor) }
                    == "password-set-by-person-or-chief-executive", "\(actor)")
        }
        await #expect(
            refusalRule { try await app.changePassword(of: "nobody", toHash: "$2b$04$x", by: "cumbria.officer") }
                == "known-person")
        await #expect(
            refusalRule { try await app.changePassword(of: "cumbria.officer", toHash: "$2b$04$x", by: "nobody") }
                == "known-person")
        // Nothing changed: the hash, the session, the audit log.
        await #expect(try app.passwordHash(of: "cumbria.officer") == storedHash)
        await #expect(try app.session(id: id) != nil)
        await #expect(try app.auditLog(office: nil).count == before)
    }
}

struct RawFailure: Error {}
