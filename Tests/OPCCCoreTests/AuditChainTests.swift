import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

/// An event with its hash computed over its contents.
private func sealed(_ event: AuditEvent) -> AuditEvent {
    var event = event
    event.hash = event.computedHash
    return event
}

/// One unsealed event of decision 014/2016's history.
private func event(
    _ sequence: Int64, _ name: String, from: String?, to: String?, actor: String, role: String?, on date: String,
    payload: [String: String] = [:]
) -> AuditEvent {
    AuditEvent(
        sequence: sequence, office: "cumbria", instanceID: "dr-014-2016", workflow: "decision-request",
        workflowVersion: 1, event: name, fromState: from, toState: to, actor: actor, role: role,
        effectiveDay: day(date), recordedAt: "2016-03-\(10 + sequence)T10:00:00.000Z",
        payload: AuditEvent.canonicalPayload(payload), previousHash: "", hash: "")
}

/// Chains events: each points at the hash of the one before, the first at the genesis hash.
private func chained(_ events: [AuditEvent]) -> [AuditEvent] {
    var previous = AuditEvent.genesisHash
    return events.map { e in
        var e = e
        e.previousHash = previous
        e = sealed(e)
        previous = e.hash
        return e
    }
}

/// A valid six-event chain: decision 014/2016 from submission to publication.
private func validChain() -> [AuditEvent] {
    chained([
        event(
            1, "submit", from: "draft", to: "awaiting-sign-offs", actor: "J. Officer", role: "officer",
            on: "2016-03-07", payload: ["number": "014/2016"]),
        event(
            2, "sign-off", from: "awaiting-sign-offs", to: "awaiting-sign-offs", actor: "J. Officer",
            role: "officer", on: "2016-03-07", payload: ["position": "originating-officer"]),
        event(
            3, "sign-off", from: "awaiting-sign-offs", to: "awaiting-sign-offs", actor: "S. Chief",
            role: "chief-executive", on: "2016-03-07", payload: ["position": "chief-executive"]),
        event(
            4, "refer", from: "awaiting-sign-offs", to: "with-decision-maker", actor: "S. Chief",
            role: "chief-executive", on: "2016-03-07"),
        event(
            5, "approve", from: "with-decision-maker", to: "approved", actor: "The PCC", role: "commissioner",
            on: "2016-03-09"),
        event(
            6, "publish", from: "approved", to: "published", actor: "J. Officer", role: "officer",
            on: "2016-03-10"),
    ])
}

/// Runs the verifier over `events` in order.
private func verify(_ events: [AuditEvent], head: AuditHead? = nil) -> AuditChainVerifier.Problem? {
    var verifier = AuditChainVerifier(head: head)
    for e in events where !verifier.check(e) { break }
    return verifier.finish()
}

private func head(of event: AuditEvent) -> AuditHead { AuditHead(sequence: event.sequence, hash: event.hash) }

/// A field an intruder might edit after the fact.
enum EditedField: String, CaseIterable, Sendable {
    case office, instanceID, workflow, workflowVersion, event, fromState, toState, actor, role, effectiveDay
    case recordedAt, payload, roleRemoved

    func apply(to e: inout AuditEvent) {
        switch self {
        case .office: e.office = "lincolnshire"
        case .instanceID: e.instanceID = nil
        case .workflow: e.workflow = "carry-forward"
        case .workflowVersion: e.workflowVersion = 2
        case .event: e.event = "approve"
        case .fromState: e.fromState = "draft"
        case .toState: e.toState = nil
        case .actor: e.actor = "Mallory"
        case .role: e.role = "commissioner"
        case .effectiveDay: e.effectiveDay = day("2016-03-06")
        case .recordedAt: e.recordedAt = "2016-03-12T10:00:00.001Z"
        case .payload: e.payload = AuditEvent.canonicalPayload(["position": "monitoring-officer"])
        case .roleRemoved: e.role = nil
        }
    }
}

@Suite("Audit chain: detecting edits")
struct AuditChainTests {
    @Test func anIntactChainPasses() {
        let chain = validChain()
        var verifier = AuditChainVerifier()
        for e in chain {
            let passed = verifier.check(e)
            #expect(passed, "event \(e.sequence)")
        }
        let problem = verifier.finish()
        #expect(problem == nil)
        #expect(verifier.count == chain.count)
        #expect(chain[0].previousHash == AuditEvent.genesisHash)
    }

    @Test func anIntactChainReachesEveryHeadMinutedAlongIt() {
        let chain = validChain()
        for e in chain {
            #expect(verify(chain, head: head(of: e)) == nil, "head \(e.sequence)")
        }
    }

    @Test(arguments: EditedField.allCases)
    func anEditedFieldIsReportedAsChangedContent(field: EditedField) {
        var chain = validChain()
        field.apply(to: &chain[2])
        #expect(chain[2].computedHash != chain[2].hash)
        #expect(verify(chain) == .contentChanged(sequence: 3))
    }

    @Test func anEditRehashedInPlaceBreaksTheLinkOfTheNextEvent() {
        var chain = validChain()
        chain[2].actor = "Mallory"
        chain[2] = sealed(chain[2])
        let problem = verify(chain)
        #expect(
            problem
                == .brokenLink(
                    sequence: 4, expectedPrevious: chain[2].hash, recordedPrevious: validChain()[2].hash))
    }

    @Test func editingAndRehashingTheNewestIsCaughtOnlyByTheMinutedHead() {
        let original = validChain()
        var chain = original
        chain[5].actor = "Mallory"
        chain[5] = sealed(chain[5])
        #expect(verify(chain) == nil)
        let minuted = head(of: original[5])
        #expect(verify(chain, head: minuted) == .headMismatch(expected: minuted, found: chain[5].hash))
    }

    @Test func aDeletedMiddleEventIsReportedAtTheFollowingSequence() {
        var chain = validChain()
        chain.remove(at: 2)
        #expect(verify(chain) == .sequenceGap(after: 2, found: 4))
    }

    @Test func aDeletedMiddleEventWithRenumberingIsABrokenLink() {
        let original = validChain()
        var chain = original
        chain.remove(at: 2)
        for i in 2..<chain.count {
            chain[i].sequence -= 1
            chain[i] = sealed(chain[i])
        }
        #expect(
            verify(chain)
                == .brokenLink(sequence: 3, expectedPrevious: original[1].hash, recordedPrevious: original[2].hash))
    }

    @Test func aDeletedOldestEventIsABrokenLinkToGenesis() {
        let original = validChain()
        let chain = Array(original.dropFirst())
        #expect(
            verify(chain)
                == .brokenLink(
                    sequence: 2, expectedPrevious: AuditEvent.genesisHash, recordedPrevious: original[0].hash))
    }

    @Test(arguments: [(0, 1), (1, 2), (2, 4), (4, 5)])
    func twoSwappedEventsAreReported(first: Int, second: Int) {
        var chain = validChain()
        chain.swapAt(first, second)
        let problem = verify(chain)
        #expect(problem != nil)
    }

    @Test func twoSwappedEventsWithTheirSequenceNumbersSwappedBackAreReported() {
        var chain = validChain()
        chain.swapAt(2, 3)
        (chain[2].sequence, chain[3].sequence) = (chain[3].sequence, chain[2].sequence)
        if case .brokenLink(let sequence, _, _) = verify(chain) {
            #expect(sequence == 3)
        } else {
            Issue.record("expected a broken link at event 3, got \(String(describing: verify(chain)))")
        }
    }

    @Test func aDuplicatedEventIsASequenceProblem() {
        var chain = validChain()
        chain.insert(chain[2], at: 3)
        #expect(verify(chain) == .sequenceGap(after: 3, found: 3))
    }

    @Test func aDeletedNewestEventPassesWithoutAHeadAndFailsWithTheMinutedOne() {
        let original = validChain()
        let chain = Array(original.dropLast())
        #expect(verify(chain) == nil)
        let minuted = head(of: original[5])
        #expect(verify(chain, head: minuted) == .headMissing(minuted))
    }

    @Test func aWrongHeadHashIsAMismatch() {
        let chain = validChain()
        let wrong = AuditHead(sequence: 6, hash: String(repeating: "f", count: 64))
        #expect(verify(chain, head: wrong) == .headMismatch(expected: wrong, found: chain[5].hash))
        let wrongMiddle = AuditHead(sequence: 3, hash: chain[3].hash)
        #expect(verify(chain, head: wrongMiddle) == .headMismatch(expected: wrongMiddle, found: chain[2].hash))
    }

    @Test func theVerifierStopsAtTheFirstProblem() {
        var chain = validChain()
        chain[1].actor = "Mallory"
        chain[4].actor = "Mallory"
        var verifier = AuditChainVerifier()
        var accepted = 0
        for e in chain where verifier.check(e) { accepted += 1 }
        #expect(accepted == 1)
        #expect(verifier.problem == .contentChanged(sequence: 2))
        #expect(verifier.count == 2)
        let finished = verifier.finish()
        #expect(finished == .contentChanged(sequence: 2))
    }

    @Test func problemsDescribeTheEventAffected() {
        let chain = validChain()
        #expect(AuditChainVerifier.Problem.contentChanged(sequence: 3).description.contains("event 3"))
        #expect(AuditChainVerifier.Problem.sequenceGap(after: 2, found: 4).description.contains("event 4"))
        let minuted = head(of: chain[5])
        #expect(AuditChainVerifier.Problem.headMissing(minuted).description.contains(minuted.description))
    }
}

/// Two adjacent fields and two ways of splitting the same characters between them.
enum AdjacentFields: String, CaseIterable, Sendable {
    case actorRole, officeInstance, eventFrom, fieldNameInjected, fromTo, recordedAtPayload
    case roleAbsentVersusEmpty

    /// The same event written twice, differing only in where characters sit between two adjacent fields.
    var pair: (AuditEvent, AuditEvent) {
        var a = event(
            1, "sign-off", from: "awaiting-sign-offs", to: "awaiting-sign-offs", actor: "x", role: "y",
            on: "2016-03-07")
        a.previousHash = AuditEvent.genesisHash
        var b = a
        switch self {
        case .actorRole:
            (a.actor, a.role) = ("ab", "c")
            (b.actor, b.role) = ("a", "bc")
        case .officeInstance:
            (a.office, a.instanceID) = ("cumbria1", "2")
            (b.office, b.instanceID) = ("cumbria", "12")
        case .eventFrom:
            (a.event, a.fromState) = ("sign-off\n", "draft")
            (b.event, b.fromState) = ("sign-off", "\ndraft")
        case .fieldNameInjected:
            // Without length prefixes both would encode as "event:x\nfrom:y\nfrom:z\n".
            (a.event, a.fromState) = ("x\nfrom:y", "z")
            (b.event, b.fromState) = ("x", "y\nfrom:z")
        case .fromTo:
            (a.fromState, a.toState) = ("draft:5:", "x")
            (b.fromState, b.toState) = ("draft", ":5:x")
        case .recordedAtPayload:
            (a.recordedAt, a.payload) = ("2016-03-07T10:00:00.000Z{", "}")
            (b.recordedAt, b.payload) = ("2016-03-07T10:00:00.000Z", "{}")
        case .roleAbsentVersusEmpty:
            a.role = nil
            b.role = ""
        }
        return (a, b)
    }
}

@Suite("Audit chain: the canonical encoding")
struct AuditEncodingTests {
    @Test(arguments: AdjacentFields.allCases)
    func movingCharactersBetweenAdjacentFieldsChangesTheHash(fields: AdjacentFields) {
        let (a, b) = fields.pair
        #expect(a.canonicalEncoding != b.canonicalEncoding)
        #expect(a.computedHash != b.computedHash)
    }

    @Test func theEncodingWritesEachFieldWithItsByteLength() {
        var e = event(7, "submit", from: "draft", to: nil, actor: "Zoë", role: nil, on: "2016-03-07")
        e.previousHash = AuditEvent.genesisHash
        e.instanceID = nil
        let lines = e.canonicalEncoding.split(separator: "\n").map(String.init)
        #expect(lines.count == 14)
        #expect(lines[0] == "previousHash:64:" + AuditEvent.genesisHash)
        #expect(lines[1] == "sequence:1:7")
        #expect(lines[3] == "instance:-")
        #expect(lines[8] == "to:-")
        // "Zoë" is three characters but four UTF-8 bytes.
        #expect(lines[9] == "actor:4:Zoë")
        #expect(lines[10] == "role:-")
        #expect(lines[11] == "effectiveDay:10:2016-03-07")
    }

    @Test func theHashIsLowercaseHexSha256AndDependsOnThePreviousHash() {
        let chain = validChain()
        let hash = chain[0].computedHash
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(chain[0].computedHash == hash)
        var relinked = chain[0]
        relinked.previousHash = String(repeating: "1", count: 64)
        #expect(relinked.computedHash != hash)
    }

    @Test func payloadsAreCanonicalJSONWithSortedKeys() {
        let payload = AuditEvent.canonicalPayload(["reason": "a/b", "number": "014/2016"])
        #expect(payload == #"{"number":"014/2016","reason":"a/b"}"#)
        var e = validChain()[0]
        e.payload = payload
        #expect(e.payloadFields == ["reason": "a/b", "number": "014/2016"])
        e.payload = "not json"
        #expect(e.payloadFields.isEmpty)
    }
}

private let hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

@Suite("Audit chain: minuted heads")
struct AuditHeadTests {
    @Test func aHeadParsesSequenceAndHash() async throws {
        let head = try #require(AuditHead(parsing: "12:" + hex))
        #expect(head.sequence == 12)
        #expect(head.hash == hex)
        #expect(head.description == "12:" + hex)
        #expect(AuditHead(parsing: head.description) == head)
    }

    @Test func anUppercaseHashIsReadAsLowercase() async throws {
        let head = try #require(AuditHead(parsing: "12:" + hex.uppercased()))
        #expect(head.hash == hex)
    }

    @Test(arguments: [
        "", "12", "12:", ":" + hex, "x:" + hex, "-1:" + hex, "12:" + String(hex.dropLast()), "12:" + hex + "0",
        "12:" + String(hex.dropLast()) + "g", "12:" + hex + ":13", "12 " + hex, "1.5:" + hex,
    ])
    func aMalformedHeadIsRefused(text: String) {
        #expect(AuditHead(parsing: text) == nil)
    }

    @Test(arguments: ["12::" + hex, "+12:" + hex, "12:" + String(hex.dropLast()) + "Ａ"])
    func aHeadInAnythingButTheCanonicalFormIsRefused(text: String) {
        #expect(AuditHead(parsing: text) == nil)
    }
}
