import OPCCCore
import OPCCStore

/// Priority setting with the risk/harm matrix (the `priority-selection` workflow, seed 001): an officer records a
/// partnership's assessment and its agencies' scores, closes scoring, records the board's decisions and priorities,
/// and the selection is adopted only when it follows the partnership's rules. Finance ties priorities to budget
/// lines, so that money can be shown per priority per year from the reconciliation.
extension Commissioning {
    // MARK: Recording the assessment

    /// Records a partnership's assessment for a year as given (a published table, or a new one to be scored), in its
    /// `scoring` state. Refused, naming each rule, when the declared method is unusable or a given score is out of
    /// range; a second assessment by the same partnership for the same year is refused.
    @discardableResult
    public func importAssessment(
        _ draft: PriorityAssessment, by actorName: String, on day: Day? = nil
    ) async throws -> PriorityAssessment {
        let problems = PriorityRules.checkAssessment(draft, complete: false)
        if let first = problems.first {
            throw ServiceRefusal(coreRule: first.rule, message: problems.map(\.description).joined(separator: "; "))
        }
        return try await store.write { tx in
            _ = try requireRole(
                actorName, office: draft.office, anyOf: [.officer], in: tx, for: "recording a partnership's assessment")
            if try tx.assessments(office: draft.office).contains(where: {
                $0.partnershipCode == draft.partnershipCode && $0.year == draft.year
            }) {
                throw ServiceRefusal(
                    rule: .oneAssessmentAYear,
                    message: "\(draft.partnershipCode) already has an assessment for \(draft.year) in \(draft.office)")
            }
            var assessment = draft
            assessment.id = Self.recordID(
                office: draft.office, kind: "PA", existing: try tx.assessmentCount(office: draft.office))
            _ = try startInstance(
                id: assessment.id, office: assessment.office, workflow: "priority-selection",
                recordRef: assessment.partnershipCode, by: actorName, role: .officer, on: day, in: tx,
                payload: [
                    "partnership": assessment.partnershipName, "year": assessment.year.description,
                    "agencies": assessment.agencies.joined(separator: ", "),
                    "threats": String(assessment.threats.count), "method": assessment.method.combination.description,
                    "source": assessment.source ?? "",
                ]
            ) { tx in try tx.insertAssessment(assessment) }
            return assessment
        }
    }

    /// The assessment and the board's selection so far, as the guards see them.
    /// Another office's assessment answers as a missing one: its state and its roles stay unsaid.
    func prioritySubject(_ id: String, seenBy actorName: String, in tx: any StoreTransaction) throws -> PrioritySubject
    {
        guard let assessment = try tx.assessment(id: id),
            try actor(named: actorName, in: tx).office == assessment.office
        else {
            throw ServiceRefusal.notFound(rule: .knownAssessment, message: "no priority assessment '\(id)'")
        }
        return PrioritySubject(assessment: assessment, selection: try tx.selection(assessment: id))
    }

    /// A priority assessment for the act runner; another office's answered as a missing one. The use cases attach
    /// the subject as it will be after their change, and save the scores and the selection themselves.
    var assessmentKind: RecordKind<PriorityAssessment> {
        RecordKind(
            unseen: { .notFound(rule: .knownAssessment, message: "no priority assessment '\($0)'") },
            load: { instance, tx in try tx.assessment(id: instance.id) },
            subject: { assessment, instance, tx in
                .priorities(
                    PrioritySubject(assessment: assessment, selection: try tx.selection(assessment: instance.id)))
            },
            save: { _, _, _ in })
    }

    /// Runs a priority-selection act through the act runner with `subject` attached, inside the transaction.
    @discardableResult
    private func actOnAssessment(
        _ event: String, _ id: String, by actorName: String, on day: Day?, payload: [String: String] = [:],
        subject: PrioritySubject, expectedVersion: Int?, in tx: any StoreTransaction
    ) throws -> Fired {
        var request = ActRequest(
            event, on: id, by: actorName, on: day ?? clock.today(), expectedVersion: expectedVersion, payload: payload)
        request.subject = .priorities(subject)
        return try runInside(request, on: assessmentKind, in: tx).fired
    }

    /// Records one agency's harm score for a threat while scoring (a corrected score replaces the earlier one).
    public func recordHarmScore(
        _ id: String, threat: String, agency: String, score: HarmScore, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            var subject = try prioritySubject(id, seenBy: actorName, in: tx)
            guard let index = subject.assessment.threats.firstIndex(where: { $0.name == threat }) else {
                throw unknownThreat(threat, in: subject.assessment)
            }
            var changed = subject.assessment
            changed.threats[index].scores[agency] = score
            let problems = PriorityRules.checkScores(changed.threats[index], agencies: changed.agencies)
            if let first = problems.first {
                throw ServiceRefusal(coreRule: first.rule, message: problems.map(\.description).joined(separator: "; "))
            }
            subject = PrioritySubject(assessment: changed, selection: subject.selection)
            var payload = ["threat": threat, "agency": agency, "sum": String(score.sum)]
            if let factors = score.factors { payload["factors"] = factors.map(String.init).joined(separator: ",") }
            try actOnAssessment(
                "score", id, by: actorName, on: day, payload: payload, subject: subject,
                expectedVersion: expectedVersion, in: tx)
            try tx.saveHarmScore(assessment: id, threat: threat, agency: agency, score)
        }
    }

    /// Records a threat's control-chart status and share of volume while scoring; its probability follows from the
    /// partnership's scale.
    public func recordProbability(
        _ id: String, threat: String, control: ControlStatus, share: Percentage, note: String? = nil,
        by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            let subject = try prioritySubject(id, seenBy: actorName, in: tx)
            guard subject.assessment.threat(named: threat) != nil else {
                throw unknownThreat(threat, in: subject.assessment)
            }
            var payload = ["threat": threat, "control": control.rawValue, "share": share.description]
            if let note { payload["note"] = note }
            try actOnAssessment(
                "score", id, by: actorName, on: day, payload: payload, subject: subject,
                expectedVersion: expectedVersion, in: tx)
            try tx.saveProbabilityInputs(assessment: id, threat: threat, control: control, share: share, note: note)
        }
    }

    func unknownThreat(_ name: String, in assessment: PriorityAssessment) -> ServiceRefusal {
        ServiceRefusal.notFound(
            rule: .knownThreat,
            message: "'\(name)' is not a threat of \(assessment.id); its threats are "
                + assessment.threats.map { "'\($0.name)'" }.joined(separator: ", "))
    }

    /// Closes scoring: refused, naming each rule, while an agency has not scored a threat or a threat has no
    /// probability inputs.
    public func closeScoring(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            _ = try actOnAssessment(
                "close-scoring", id, by: actorName, on: day, subject: prioritySubject(id, seenBy: actorName, in: tx),
                expectedVersion: expectedVersion, in: tx)
        }
    }

    /// Takes the assessment back to scoring (before adoption) so that a score can be corrected, with a reason.
    public func reopenScoring(
        _ id: String, reason: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        try await writeKeepingRefusals { tx in
            _ = try actOnAssessment(
                "reopen-scoring", id, by: actorName, on: day, payload: ["reason": reason],
                subject: prioritySubject(id, seenBy: actorName, in: tx), expectedVersion: expectedVersion, in: tx)
        }
    }

    // MARK: The board's decisions and the priorities

    /// Records a board decision with its reason: on a Medium threat (selected or not), a compulsion to select a Low
    /// threat, or a change to the number of priorities. Decisions are never changed; a later one on the same matter
    /// replaces the earlier one in the rules and both stay on the record.
    public func recordBoardDecision(
        _ id: String, _ entry: PrioritySelection.BoardRecord.Entry, reason: String, by actorName: String,
        on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            let subject = try prioritySubject(id, seenBy: actorName, in: tx)
            var payload = ["reason": reason]
            switch entry {
            case .mediumDecision(let threat, let selected):
                try requireBand(.medium, threat, in: subject.assessment, rule: .decisionOnAMedium)
                payload["decision"] = selected ? "selected" : "not selected"
                payload["threat"] = threat
            case .compulsion(let threat, let kind):
                try requireBand(.low, threat, in: subject.assessment, rule: .compulsionForALow)
                payload["compulsion"] = kind.rawValue
                payload["threat"] = threat
            case .priorityCount(let count):
                guard count >= 1 else {
                    throw ServiceRefusal(
                        rule: .priorityCountAtLeastOne, message: "the board would set \(count) priorities")
                }
                payload["priorities"] = String(count)
            }
            let fired = try actOnAssessment(
                "record-board-decision", id, by: actorName, on: effective, payload: payload, subject: subject,
                expectedVersion: expectedVersion, in: tx)
            try tx.appendBoardRecord(
                assessment: id, .init(entry, reason: reason, day: effective, by: actorName),
                auditSequence: fired.event.sequence)
        }
    }

    /// Refuses a board decision about a threat in another band: a High must be selected, a Low needs no decision
    /// unless it is selected, and only a Low needs a compulsion.
    private func requireBand(
        _ band: RiskBand, _ threat: String, in assessment: PriorityAssessment, rule: ServiceRefusal.Rule
    ) throws {
        guard let scored = assessment.scored().first(where: { $0.name == threat }) else {
            throw unknownThreat(threat, in: assessment)
        }
        guard scored.band == band else {
            throw ServiceRefusal(
                rule: rule,
                message: "'\(threat)' is \(scored.band?.title ?? "not yet banded") (\(scored.riskWorking)); "
                    + (band == .medium
                        ? "the board records its decision on each Medium threat"
                        : "a compulsion is recorded only to select a Low threat"))
        }
    }

    /// Sets a priority or a statutory obligation (new, or replacing the one with the same code) while selecting.
    /// Refused when it names a threat the assessment does not list or a strand the office has never budgeted.
    public func setPriority(
        _ id: String, _ priority: PrioritySelection.Priority, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws {
        var priority = priority
        priority.code = try checkedText(priority.code, "code", .name)
        priority.title = try checkedText(priority.title, "title", .name)
        try await writeKeepingRefusals { [priority] tx in
            var subject = try prioritySubject(id, seenBy: actorName, in: tx)
            try checkPriority(priority, subject.assessment, in: tx)
            var selection = subject.selection
            if let index = selection.priorities.firstIndex(where: { $0.code == priority.code }) {
                selection.priorities[index] = priority
            } else {
                selection.priorities.append(priority)
            }
            subject = PrioritySubject(assessment: subject.assessment, selection: selection)
            try actOnAssessment(
                "set-priority", id, by: actorName, on: day,
                payload: [
                    "priority": priority.code, "title": priority.title, "kind": priority.kind.rawValue,
                    "threats": priority.threats.joined(separator: "; "),
                    "money": priority.money.map(\.description).joined(separator: "; "),
                ], subject: subject, expectedVersion: expectedVersion, in: tx)
            try tx.savePriority(assessment: id, priority)
        }
    }

    private func checkPriority(
        _ p: PrioritySelection.Priority, _ assessment: PriorityAssessment, in tx: any StoreTransaction
    ) throws {
        guard !p.code.isEmpty, p.code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ServiceRefusal(rule: .validPriorityCode, message: "'\(p.code)' is not a priority code (e.g. P1)")
        }
        guard !p.title.isBlank else {
            throw ServiceRefusal(rule: .priorityTitled, message: "priority \(p.code) needs a title")
        }
        for threat in p.threats where assessment.threat(named: threat) == nil {
            throw ServiceRefusal(
                coreRule: PriorityRefusal.unknownThreat(priority: p.code, threat: threat).rule,
                message: PriorityRefusal.unknownThreat(priority: p.code, threat: threat).description)
        }
        try checkMoneyLinks(p.money, office: assessment.office, in: tx)
    }

    private func checkMoneyLinks(
        _ links: [PrioritySelection.MoneyLink], office: String, in tx: any StoreTransaction
    ) throws {
        let strands = Set(try tx.strands(office: office, year: nil).map(\.strand))
        for link in links where !strands.contains(link.strand) {
            throw ServiceRefusal.notFound(
                rule: .knownStrand,
                message: "\(office) has never budgeted a strand '\(link.strand)'; its strands are "
                    + strands.sorted().joined(separator: ", "))
        }
        for link in links where link.share == .zero {
            throw ServiceRefusal(rule: .moneyShareAboveZero, message: "a link to \(link) claims nothing")
        }
    }

    /// Removes a priority while selecting.
    public func removePriority(
        _ id: String, code: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            var subject = try prioritySubject(id, seenBy: actorName, in: tx)
            guard subject.selection.priorities.contains(where: { $0.code == code }) else {
                throw ServiceRefusal.notFound(rule: .knownPriority, message: "\(id) has no priority \(code)")
            }
            var selection = subject.selection
            selection.priorities.removeAll { $0.code == code }
            subject = PrioritySubject(assessment: subject.assessment, selection: selection)
            try actOnAssessment(
                "set-priority", id, by: actorName, on: day, payload: ["priority": code, "removed": "yes"],
                subject: subject, expectedVersion: expectedVersion, in: tx)
            try tx.removePriority(assessment: id, code: code)
        }
    }

    /// Adopts the board's selection: refused, naming each rule, unless every High is covered, every Medium has the
    /// board's decision, no Low is selected without a recorded compulsion, the priorities number what the partnership
    /// sets and the statutory obligations are delivered.
    public func adoptPriorities(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            _ = try actOnAssessment(
                "adopt", id, by: actorName, on: day, subject: prioritySubject(id, seenBy: actorName, in: tx),
                expectedVersion: expectedVersion, in: tx)
        }
    }

    /// Ties a priority to the budget lines that fund it (finance or an officer, while selecting or once adopted),
    /// replacing its links. Refused when the priorities together would claim more than a whole line.
    public func linkPriorityMoney(
        _ id: String, priority code: String, links: [PrioritySelection.MoneyLink], by actorName: String,
        on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            var subject = try prioritySubject(id, seenBy: actorName, in: tx)
            guard let index = subject.selection.priorities.firstIndex(where: { $0.code == code }) else {
                throw ServiceRefusal.notFound(rule: .knownPriority, message: "\(id) has no priority \(code)")
            }
            try checkMoneyLinks(links, office: subject.assessment.office, in: tx)
            var selection = subject.selection
            selection.priorities[index].money = links
            subject = PrioritySubject(assessment: subject.assessment, selection: selection)
            try actOnAssessment(
                "link-money", id, by: actorName, on: day,
                payload: ["priority": code, "money": links.map(\.description).joined(separator: "; ")],
                subject: subject, expectedVersion: expectedVersion, in: tx)
            try tx.saveMoneyLinks(assessment: id, priority: code, links)
        }
    }

    /// Closes an adopted assessment (the year is over, or a later one replaces it), with a reason.
    public func closeAssessment(
        _ id: String, reason: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        try await writeKeepingRefusals { tx in
            _ = try actOnAssessment(
                "close", id, by: actorName, on: day, payload: ["reason": reason],
                subject: prioritySubject(id, seenBy: actorName, in: tx),
                expectedVersion: expectedVersion, in: tx)
        }
    }

    /// Withdraws an assessment before adoption, with a reason.
    public func withdrawAssessment(
        _ id: String, reason: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        try await writeKeepingRefusals { tx in
            _ = try actOnAssessment(
                "withdraw", id, by: actorName, on: day, payload: ["reason": reason],
                subject: prioritySubject(id, seenBy: actorName, in: tx), expectedVersion: expectedVersion, in: tx)
        }
    }
}
