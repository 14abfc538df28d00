import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// The demo on a clock the test moves, every person's password the stand-in below; `requiring` names roles Cumbria's
/// profile then requires a second factor for (its stored profile replaced, as `opcc office edit` would).
private func secondFactorDemo(
    _ engine: TestEngine, requiring roles: [Role] = []
) async throws -> (Commissioning, MovableClock) {
    let clock = MovableClock(FixedClock(day: day("2026-11-20")).now())
    let app = try Commissioning(store: try await engine.makeStore(), catalog: try shippedCatalog(), clock: clock)
    _ = try await app.loadDemo(from: home, returns: false)
    for person in try await app.everyone() { try await app.setPasswordHash(passwordHash, of: person.name) }
    if !roles.isEmpty {
        let file = home.fixtures.appendingPathComponent("offices/cumbria.yaml")
        let text =
            try String(contentsOf: file, encoding: .utf8)
            + "secondFactorRequiredFor: [\(roles.map(\.rawValue).joined(separator: ", "))]\n"
        let profile = try OfficeProfile.parse(yaml: text, source: "cumbria.yaml")
        try await app.registerOffice(LoadedProfile(profile: profile, text: text, source: "cumbria.yaml"))
    }
    return (app, clock)
}

private let passwordHash = "$2b$04$the-right-password"

private func rightPassword(_ hash: String) -> Bool { hash == passwordHash }

/// The code an authenticator app holding `setUp`'s secret shows at the clock's time, `steps` steps on.
private func appCode(_ setUp: SecondFactorSetUp, _ clock: MovableClock, steps: Int64 = 0) throws -> String {
    let secret = try #require(Base32.decode(setUp.secret))
    return TOTP.code(secret: secret, step: TOTP.step(at: Int64(clock.now().timeIntervalSince1970)) + steps)
}

private func signIn(_ app: Commissioning, _ name: String) async throws -> SignInAttempt {
    try await app.signIn(name: name, address: "192.0.2.1", verify: rightPassword)
}

private func challenge(_ attempt: SignInAttempt, _ purpose: SecondFactorChallengePurpose) throws -> String {
    guard case .secondFactorNeeded(let challenge, let found) = attempt, found == purpose else {
        Issue.record("expected a \(purpose.rawValue) challenge, got \(attempt)")
        throw CancellationError()
    }
    return challenge
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

/// Sets up a second factor for `name`, returning what the app holds and the recovery codes.
private func setUpFactor(
    _ app: Commissioning, _ clock: MovableClock, _ name: String
) async throws -> (SecondFactorSetUp, [String]) {
    let setUp = try await app.beginSecondFactorSetUp(person: name)
    let codes = try await app.confirmSecondFactor(person: name, code: try appCode(setUp, clock))
    clock.advance(seconds: 30)
    return (setUp, codes)
}

@Suite("Services: a second factor (TOTP, RFC 6238) for signing in")
struct SecondFactorTests {
    @Test(arguments: TestEngine.all)
    func aPersonSetsUpAFactorAndThenSignsInWithPasswordAndCode(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine)
        #expect(isSignedIn(try await signIn(app, "cumbria.officer")), "no factor: the password alone signs in")
        let setUp = try await app.beginSecondFactorSetUp(person: "cumbria.officer")
        #expect(setUp.provisioningURI.hasPrefix("otpauth://totp/"))
        #expect(setUp.provisioningURI.contains("secret=" + setUp.secret.replacingOccurrences(of: " ", with: "")))
        #expect(
            try await app.beginSecondFactorSetUp(person: "cumbria.officer") == setUp,
            "a set-up begun keeps its secret until confirmed")
        let wrong = try appCode(setUp, clock, steps: 5)
        #expect(
            await refusalRule { _ = try await app.confirmSecondFactor(person: "cumbria.officer", code: wrong) }
                == "second-factor-code")
        #expect(try await !app.secondFactorStatus(person: "cumbria.officer").enabled, "a wrong code changes nothing")
        let codes = try await app.confirmSecondFactor(person: "cumbria.officer", code: try appCode(setUp, clock))
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && $0.dropFirst(5).first == "-" })
        let status = try await app.secondFactorStatus(person: "cumbria.officer")
        #expect(status.enabled && !status.required && status.recoveryCodesLeft == 10)
        let setUpEvent = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(setUpEvent.event == "second-factor-set-up" && setUpEvent.actor == "cumbria.officer")
        #expect(!"\(setUpEvent.payload)".contains(codes[0]), "the audit log never holds a recovery code")

        clock.advance(seconds: 30)
        let sessionsBefore = try await app.sessionCount()
        let token = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
        #expect(try await app.sessionCount() == sessionsBefore, "a password alone makes no session")
        let code = try appCode(setUp, clock)
        let attempt = try await app.completeSignIn(challenge: token, code: code)
        #expect(isSignedIn(attempt))
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: token, code: code) }
                == "second-factor-challenge-current", "a challenge signs in once")
        let again = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: again, code: code) }
                == "second-factor-code", "second-factor-code-used-once: the same code does not sign in twice")
        clock.advance(seconds: 30)
        #expect(isSignedIn(try await app.completeSignIn(challenge: again, code: try appCode(setUp, clock))))
    }

    @Test(arguments: TestEngine.all)
    func aRecoveryCodeSignsInOnceAndIsRecorded(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine)
        let (_, codes) = try await setUpFactor(app, clock, "cumbria.finance")
        let token = try challenge(try await signIn(app, "cumbria.finance"), .signIn)
        let typed = codes[3].lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(isSignedIn(try await app.completeSignIn(challenge: token, code: typed)))
        let used = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(used.event == "recovery-code-used" && used.payload.contains("\"left\":\"9\""))
        let next = try challenge(try await signIn(app, "cumbria.finance"), .signIn)
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: next, code: codes[3]) }
                == "second-factor-code")
        #expect(isSignedIn(try await app.completeSignIn(challenge: next, code: codes[4])))
        #expect(try await app.secondFactorStatus(person: "cumbria.finance").recoveryCodesLeft == 8)
    }

    @Test(arguments: TestEngine.all)
    func aChallengeLastsFiveMinutesAndFiveWrongCodes(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine)
        let (setUp, _) = try await setUpFactor(app, clock, "cumbria.officer")
        let slow = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
        clock.advance(seconds: 301)
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: slow, code: try appCode(setUp, clock)) }
                == "second-factor-challenge-current")
        let token = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
        for _ in 0..<5 {
            #expect(
                await refusalRule { _ = try await app.completeSignIn(challenge: token, code: "000000") }
                    == "second-factor-code")
        }
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: token, code: try appCode(setUp, clock)) }
                == "second-factor-challenge-current", "after five wrong codes the password must be given again")
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: "not-a-token", code: "123456") }
                == "second-factor-challenge-current")
    }

    @Test(arguments: TestEngine.all)
    func theOfficeProfileRequiresAFactorForTheRolesItNames(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine, requiring: [.finance])
        #expect(isSignedIn(try await signIn(app, "cumbria.officer")), "officers are not required to")
        #expect(try await app.secondFactorStatus(person: "cumbria.finance").required)
        let token = try challenge(try await signIn(app, "cumbria.finance"), .setUp)
        #expect(
            await refusalRule { _ = try await app.completeSignIn(challenge: token, code: "123456") }
                == "second-factor-challenge-current", "a set-up challenge does not sign in by itself")
        let setUp = try await app.beginSecondFactorSetUp(challenge: token)
        #expect(
            await refusalRule {
                _ = try await app.confirmSecondFactorSetUp(challenge: token, code: try appCode(setUp, clock, steps: 9))
            } == "second-factor-code")
        let (attempt, codes) = try await app.confirmSecondFactorSetUp(
            challenge: token, code: try appCode(setUp, clock))
        #expect(isSignedIn(attempt) && codes.count == 10)
        clock.advance(seconds: 30)
        let next = try challenge(try await signIn(app, "cumbria.finance"), .signIn)
        #expect(isSignedIn(try await app.completeSignIn(challenge: next, code: try appCode(setUp, clock))))

        #expect(
            await refusalRule { try await app.removeSecondFactor(person: "cumbria.finance", by: "cumbria.finance") }
                == "second-factor-required")
        #expect(
            await refusalRule { try await app.removeSecondFactor(person: "cumbria.finance", by: "cumbria.officer") }
                == "second-factor-removed-by-self-or-chief-executive")
        #expect(
            await refusalRule {
                try await app.removeSecondFactor(person: "cumbria.finance", by: "lincs.chief-executive")
            } == "second-factor-removed-by-self-or-chief-executive", "another office's chief executive may not")
        #expect(try await app.secondFactorStatus(person: "cumbria.finance").enabled, "refusals change nothing")
        // A disabled chief executive is no longer one: an administrator keeps the office managed meanwhile.
        try await app.grantRole(RoleGrant(role: .administrator), to: "cumbria.auditor", by: "cumbria.chief-executive")
        _ = try await app.disablePerson("cumbria.chief-executive", by: "cumbria.auditor")
        #expect(
            await refusalRule {
                try await app.removeSecondFactor(person: "cumbria.finance", by: "cumbria.chief-executive")
            } == "person-active", "a disabled chief executive may not")
        try await app.enablePerson("cumbria.chief-executive", by: "cumbria.auditor")
        try await app.removeSecondFactor(person: "cumbria.finance", by: "cumbria.chief-executive")
        let removed = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(removed.event == "second-factor-removed" && removed.actor == "cumbria.chief-executive")
        _ = try challenge(try await signIn(app, "cumbria.finance"), .setUp)
    }

    @Test(arguments: TestEngine.all)
    func aFactorIsSetUpOnceAndOnlyAPendingOneIsConfirmedOrRemoved(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine)
        #expect(
            await refusalRule { _ = try await app.confirmSecondFactor(person: "cumbria.officer", code: "123456") }
                == "second-factor-pending")
        #expect(
            await refusalRule { try await app.removeSecondFactor(person: "cumbria.officer", by: "cumbria.officer") }
                == "second-factor-pending")
        _ = try await setUpFactor(app, clock, "cumbria.officer")
        #expect(
            await refusalRule { _ = try await app.beginSecondFactorSetUp(person: "cumbria.officer") }
                == "second-factor-set-up-once")
        let events = try await app.auditLog(office: "cumbria").count
        try await app.removeSecondFactor(person: "cumbria.officer", by: "cumbria.officer")
        #expect(try await app.auditLog(office: "cumbria").count == events + 1)
        #expect(isSignedIn(try await signIn(app, "cumbria.officer")), "removed: the password alone signs in again")
    }

    @Test(arguments: [TestEngine.sqlite])
    func arbitraryTextTypedAsACodeIsRefusedAndChangesNothing(engine: TestEngine) async throws {
        let (app, clock) = try await secondFactorDemo(engine)
        let (setUp, _) = try await setUpFactor(app, clock, "cumbria.officer")
        let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
        let pieces = Gen.oneOf(
            scalar, Gen.element(of: ["1", "2", "3", " ", "-", "\u{0}", "٣", "A", "Z"]).map { $0 ?? "" })
        await propertyCheck(count: 60, input: pieces.array(of: 0...14).map { $0.joined() }) { typed in
            do {
                let token = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
                let rule = await refusalRule { _ = try await app.completeSignIn(challenge: token, code: typed) }
                #expect(rule == "second-factor-code", "\(typed.debugDescription)")
            } catch {
                Issue.record("\(error)")
            }
        }
        let token = try challenge(try await signIn(app, "cumbria.officer"), .signIn)
        #expect(isSignedIn(try await app.completeSignIn(challenge: token, code: try appCode(setUp, clock))))
    }
}
