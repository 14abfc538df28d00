import Testing

@testable import OPCCCore

/// A decision-like record with every kind of field, and Part 2 by digest.
private func decisionSeal(
    _ fields: [String: String?], part2: String? = "Confidential: the supplier's bank details."
)
    -> RecordSeal
{
    var seal = RecordSeal(.decision("cumbria-DR-0001"), label: "014/2016")
    for name in ["id", "title", "amount_pence", "decided_on", "part1_json"] { seal.add(name, fields[name] ?? nil) }
    seal.addDigest("part2_sha256", of: part2)
    return seal
}

private let original: [String: String?] = [
    "id": "cumbria-DR-0001", "title": "VLI pilot", "amount_pence": "10000000", "decided_on": "2016-03-09",
    "part1_json": #"{"executiveSummary":"Pilot the approach."}"#,
]

private func event(office: String, sequence: Int64, officeSequence: Int64?, previous: String) -> AuditEvent {
    var e = AuditEvent(
        sequence: sequence, office: office, instanceID: nil, workflow: nil, workflowVersion: nil, event: "person-added",
        fromState: nil, toState: nil, actor: "opcc-system", role: nil, effectiveDay: Day(dayNumber: 17000),
        recordedAt: "2016-07-17T10:00:00.000Z", payload: "{}", previousHash: previous, hash: "",
        officeSequence: officeSequence, sealedRecord: officeSequence == nil ? nil : "person:p\(sequence)",
        seal: officeSequence == nil ? nil : String(repeating: "a", count: 64))
    e.hash = e.computedHash
    return e
}

/// Events of two offices, interleaved, each chained to its own office's previous event after a global chain of two.
private func interleaved() -> [AuditEvent] {
    let g1 = event(office: "cumbria", sequence: 1, officeSequence: nil, previous: AuditEvent.genesisHash)
    let g2 = event(office: "west-midlands", sequence: 2, officeSequence: nil, previous: g1.hash)
    let c1 = event(office: "cumbria", sequence: 3, officeSequence: 1, previous: g2.hash)
    let w1 = event(office: "west-midlands", sequence: 4, officeSequence: 1, previous: g2.hash)
    let c2 = event(office: "cumbria", sequence: 5, officeSequence: 2, previous: c1.hash)
    let w2 = event(office: "west-midlands", sequence: 6, officeSequence: 2, previous: w1.hash)
    return [g1, g2, c1, w1, c2, w2]
}

private func verify(
    _ events: [AuditEvent], office: String? = nil, anchor: String? = nil
)
    -> AuditChainVerifier.Problem?
{
    var verifier = AuditChainVerifier(office: office, anchor: anchor)
    for e in events where !verifier.check(e) { break }
    return verifier.finish()
}

@Suite("Record seals and per-office chains")
struct RecordSealTests {
    @Test(arguments: ["id", "title", "amount_pence", "decided_on", "part1_json"])
    func changingAnyFieldChangesTheSeal(_ field: String) {
        var edited = original
        edited[field] = "changed"
        #expect(decisionSeal(edited).hash != decisionSeal(original).hash)
        var removed = original
        removed[field] = String?.none
        #expect(decisionSeal(removed).hash != decisionSeal(original).hash)
    }

    @Test func changingPartTwoChangesTheSealButItsTextIsNeverInTheSealedBytes() {
        let text = "Confidential: the supplier's bank details."
        let seal = decisionSeal(original, part2: text)
        #expect(seal.hash != decisionSeal(original, part2: text + " ").hash)
        #expect(seal.hash != decisionSeal(original, part2: nil).hash)
        let bytes = String(decoding: seal.canonicalBytes, as: UTF8.self)
        #expect(!bytes.contains(text))
        #expect(!bytes.contains("supplier"))
        #expect(bytes.contains("part2_sha256:64:\(SHA256Hex.of(text))\n"))
    }

    @Test func anEmptyFieldAndAnAbsentOneSealDifferently() {
        var empty = RecordSeal(.person("anna"))
        empty.add("display_name", "")
        var absent = RecordSeal(.person("anna"))
        absent.add("display_name", String?.none)
        #expect(empty.hash != absent.hash)
    }

    @Test func theLabelIsNotSealed() {
        var labelled = decisionSeal(original)
        labelled.label = "015/2016"
        #expect(labelled.hash == decisionSeal(original).hash)
        #expect(labelled.name == "decision cumbria-DR-0001 (015/2016)")
    }

    @Test(arguments: [
        SealedRecord.decision("d:1"), .agreement("a"), .quarterlyReturn("r"), .carryForward("c"), .person("p"),
        .office("o"), .priorityAssessment("pa"), .allocation("al"), .strand("cumbria/2016/ASB"), .vliRun("v"),
        .variation("vp"), .indicators("a"),
    ])
    func aRecordsKeyReadsBack(_ record: SealedRecord) {
        #expect(SealedRecord(key: record.key) == record)
    }

    @Test func anUnknownKindOrAnEmptyIdIsNoKey() {
        #expect(SealedRecord(key: "ledger-posting:1") == nil)
        #expect(SealedRecord(key: "person:") == nil)
        #expect(SealedRecord(key: "person") == nil)
    }

    @Test func anEventsSealIsPartOfItsHashButAnOldEventHashesAsBefore() {
        let chained = event(office: "cumbria", sequence: 3, officeSequence: 1, previous: AuditEvent.genesisHash)
        var swapped = chained
        swapped.seal = String(repeating: "b", count: 64)
        #expect(swapped.computedHash != chained.hash)
        let old = event(office: "cumbria", sequence: 1, officeSequence: nil, previous: AuditEvent.genesisHash)
        #expect(!old.canonicalEncoding.contains("officeSequence"))
        #expect(!old.canonicalEncoding.contains("seal"))
    }

    @Test func interleavedOfficeChainsAfterTheGlobalChainVerify() {
        #expect(verify(interleaved()) == nil)
    }

    @Test func eachOfficesChainVerifiesOnItsOwnFromItsAnchor() {
        let events = interleaved()
        for office in ["cumbria", "west-midlands"] {
            var verifier = AuditChainVerifier(office: office, anchor: events[1].hash)
            for e in events where e.office == office {
                let accepted = verifier.check(e)
                #expect(accepted)
            }
            #expect(verifier.finish() == nil)
            #expect(verifier.count == 2)
        }
        #expect(verify(events.filter { $0.office == "cumbria" }, office: "cumbria", anchor: events[0].hash) != nil)
    }

    @Test func anEventLinkedToTheOtherOfficesChainIsABrokenLink() {
        var events = interleaved()
        var wrong = event(office: "cumbria", sequence: 5, officeSequence: 2, previous: events[3].hash)
        wrong.hash = wrong.computedHash
        events[4] = wrong
        #expect(
            verify(events)
                == .brokenLink(sequence: 5, expectedPrevious: events[2].hash, recordedPrevious: events[3].hash))
    }

    @Test func aSkippedOfficeSequenceIsNamed() {
        var events = interleaved()
        events[4] = event(office: "cumbria", sequence: 5, officeSequence: 3, previous: events[2].hash)
        #expect(
            verify(events) == .officeSequenceGap(sequence: 5, office: "cumbria", expected: 2, found: 3))
    }

    /// PostgreSQL draws the log's numbers from a sequence that offices share and a rolled-back act leaves unused, so
    /// between office-chain events the global number may skip; each office's own number may not.
    @Test func officeChainEventsMaySkipGlobalSequenceNumbersButMustRise() {
        let events = interleaved()
        var skipping: [AuditEvent] = Array(events[..<2])
        var previousOf: [String: String] = [:]
        var officeSequence: [String: Int64] = [:]
        for (index, e) in events[2...].enumerated() {
            let number = (officeSequence[e.office] ?? 0) + 1
            officeSequence[e.office] = number
            let next = event(
                office: e.office, sequence: 10 + Int64(index) * 3, officeSequence: number,
                previous: previousOf[e.office] ?? events[1].hash)
            previousOf[e.office] = next.hash
            skipping.append(next)
        }
        #expect(verify(skipping) == nil)
        var repeated = skipping
        let last = repeated.removeLast()
        let again = event(
            office: last.office, sequence: skipping[skipping.count - 2].sequence,
            officeSequence: last.officeSequence, previous: last.previousHash)
        repeated.append(again)
        #expect(
            verify(repeated)
                == .sequenceNotRising(after: skipping[skipping.count - 2].sequence, found: again.sequence))
        #expect(
            AuditChainVerifier.Problem.sequenceNotRising(after: 13, found: 13).description
                == "event 13 follows event 13: sequence numbers must rise")
    }

    @Test func anEventOfTheOldShapeAfterTheChainsStartedIsNamed() {
        var events = interleaved()
        events.append(event(office: "cumbria", sequence: 7, officeSequence: nil, previous: events[1].hash))
        #expect(verify(events) == .globalEventAfterOfficeChains(sequence: 7))
    }
}
