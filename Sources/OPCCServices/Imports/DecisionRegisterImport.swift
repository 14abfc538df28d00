import OPCCCore
import OPCCStore

/// A historic decisions register as offices publish it: number, date, title, summary, amount, decision maker,
/// status and link. Each row becomes one historic decision record, made by one `historic-import` event that cites
/// the file's SHA-256 and the row: no submission, sign-off or decision act is recorded, because the product saw none.
/// The number is reserved in the office's sequence, so the office never allocates it again.
public enum DecisionRegisterImport {
    public static let columns = ImportColumns([
        .init(
            "number", required: true,
            also: ["decision number", "decision no", "decision ref", "decision reference", "reference", "ref", "no"]),
        .init("date", required: true, also: ["decision date", "date of decision", "date signed", "date decided"]),
        .init("title", required: true, also: ["decision title", "subject", "decision"]),
        .init("summary", also: ["description", "executive summary", "decision summary", "details"]),
        .init("amount", also: ["value", "amount (£)", "amount £", "value (£)", "cost", "£", "sum"]),
        .init("decision maker", also: ["decided by", "made by", "signed by", "decision taker"]),
        .init("status", also: ["decision status", "state"]),
        .init("link", also: ["url", "web link", "document link", "link to decision", "document"]),
    ])

    /// The event that makes a historic record.
    public static let event = "historic-import"

    /// What a register's status means: the workflow state the record is in, and the decision taken.
    public struct Status: Hashable, Sendable {
        public let state: String
        public let outcome: DecisionTaken.Outcome?
        public let deferred: Bool
    }

    /// The statuses a register writes, by their lowercased text (spaces, `_` and `-` ignored): see the README.
    /// A blank status is `published`: a published register lists published decisions.
    public static let statuses: [(words: [String], status: Status)] = [
        (
            ["", "published", "publish", "decision published", "approved and published", "live", "complete"],
            Status(state: "published", outcome: .approved, deferred: false)
        ),
        (
            ["decided", "approved", "agreed", "signed", "made", "decision made", "approved not published"],
            Status(state: "approved", outcome: .approved, deferred: false)
        ),
        (
            ["not approved", "declined", "rejected", "refused"],
            Status(state: "not-approved", outcome: .notApproved, deferred: false)
        ),
        (
            ["deferred", "publication deferred", "publication delayed"],
            Status(state: "publication-deferred", outcome: .approved, deferred: true)
        ),
        (
            ["withdrawn", "withdrawn before decision", "cancelled"],
            Status(state: "withdrawn", outcome: nil, deferred: false)
        ),
    ]

    /// The status a cell names, or nil.
    public static func status(_ text: String) -> Status? {
        let key = ImportColumns.key(text)
        return statuses.first { $0.words.contains { ImportColumns.key($0) == key } }?.status
    }

    struct Row: Sendable {
        let number: DecisionNumber
        let day: Day
        let title: String
        let summary: String
        let amount: Money?
        let decisionMaker: String?
        let statusText: String
        let status: Status
        let link: String?
    }

    static func check(_ c: inout ImportRowCheck, template: NumberingTemplate, office: String, today: Day) -> Row? {
        let numberText = c.trimmed("number")
        let number = template.parse(numberText)
        if numberText.isEmpty {
            c.fail("number", .decisionNumberForm, "is empty; give the decision's number (\(template.text))")
        } else if number == nil {
            c.fail(
                "number", .decisionNumberForm,
                "'\(numberText)' is not a number in \(office)'s form (\(template.text))")
        }
        let day = c.day("date", required: true)
        if let day, day > today {
            c.fail("date", .validDate, "\(day.iso) is after today: a register lists decisions already taken")
        }
        let title = c.text("title", .name, required: true)
        let summary = c.text("summary", .long) ?? ""
        let amount = c.amount("amount")
        let maker = c.text("decision maker", .name)
        let statusText = c.trimmed("status")
        let status = Self.status(statusText)
        if status == nil {
            c.fail(
                "status", .importStatusKnown,
                "'\(statusText)' is not a status: use published, decided, not approved, deferred or withdrawn")
        }
        let link = c.text("link", .short)
        if let link,
            !(link.lowercased().hasPrefix("https://") || link.lowercased().hasPrefix("http://"))
                || link.contains(where: \.isWhitespace)
        {
            c.fail("link", .importRowsValid, "'\(link)' is not a web address (https://…)")
        }
        guard let number, let day, let title, let status, c.errors.isEmpty else { return nil }
        return Row(
            number: number, day: day, title: title, summary: summary, amount: amount, decisionMaker: maker,
            statusText: statusText, status: status, link: link)
    }
}

extension Commissioning {
    /// Imports a historic decisions register into `office` (an officer or the chief executive of it): every row
    /// checked, then in one transaction each valid row made a historic record (see `DecisionRegisterImport`).
    public func importDecisionRegister(
        _ table: ImportTable, office: String, by actorName: String, options: ImportOptions = ImportOptions()
    ) async throws -> ImportReport {
        let profile = try await self.profile(of: office)
        let template = profile.numbering
        let today = clock.today()
        guard let definition = catalog.latest("decision-request") else {
            throw ServiceRefusal.notFound(rule: .knownWorkflow, message: "no workflow named 'decision-request'")
        }
        return try await runImport(
            .decisions, table: table, options: options,
            check: { DecisionRegisterImport.check(&$0, template: template, office: office, today: today) },
            authorise: { tx -> Role in
                let role = try self.requireImporter(
                    actorName, office: office, roles: [.officer, .chiefExecutive], what: "a decisions register",
                    in: tx)
                try self.pinIfNeeded(definition, in: tx)
                return role
            },
            write: { row, fileRow, role, tx in
                try self.writeHistoricDecision(
                    row, fileRow: fileRow, table: table, office: office, template: template, definition: definition,
                    actorName: actorName, role: role, in: tx)
            }, duplicateKey: { $0.number.text }, duplicateColumn: "number")
    }

    private func writeHistoricDecision(
        _ row: DecisionRegisterImport.Row, fileRow: ImportTable.Row, table: ImportTable, office: String,
        template: NumberingTemplate, definition: WorkflowDefinition, actorName: String, role: Role,
        in tx: any StoreTransaction
    ) throws -> String {
        let number = row.number.text
        if try tx.decisionID(office: office, number: number) != nil {
            throw ImportRowProblem(
                column: "number", rule: .decisionNumberUnique, message: "\(office) already holds decision \(number)")
        }
        let id = try nextRecordID(office: office, in: tx)
        var record = DecisionRecord(id: id, office: office, title: row.title, originatingOfficer: "")
        record.number = number
        record.executiveSummary = row.summary
        record.amount = row.amount
        if let link = row.link { record.backgroundPapers = "Published record: \(link)" }
        if let outcome = row.status.outcome {
            record.decision = DecisionTaken(
                outcome: outcome, decisionMaker: row.decisionMaker ?? "not named in the register", role: .commissioner,
                day: row.day, interestsDeclared: "not recorded in the register")
        }
        record.publication.deferred = row.status.deferred
        if let disagreement = template.disagreement(of: row.number, on: row.day) {
            record.exceptions.append(
                FlaggedException(
                    rule: NumberDateDisagreement.rule, message: disagreement.description, act: "historic-import",
                    day: row.day))
        }
        let instance = WorkflowInstance(
            id: id, office: office, workflow: definition.name, workflowVersion: definition.version,
            state: row.status.state, version: 0, recordRef: id, lastEffectiveDay: row.day)
        try tx.insertInstance(instance, createdAt: clock.timestamp())
        try tx.saveDecision(record, instanceID: id)
        try tx.noteDecisionSequence(
            office: office, key: template.sequenceKey(for: row.number.period), sequence: row.number.sequence)
        var payload = Self.importPayload(table, fileRow)
        payload["record"] = id
        payload["number"] = number
        payload["status"] = row.statusText.isEmpty ? "(blank: published)" : row.statusText
        if let maker = row.decisionMaker { payload["decisionMaker"] = maker }
        if let link = row.link { payload["link"] = link }
        try tx.append(
            AuditEventDraft(
                office: office, instanceID: id, workflow: definition.name, workflowVersion: definition.version,
                event: DecisionRegisterImport.event, fromState: nil, toState: row.status.state, actor: actorName,
                role: role.rawValue, effectiveDay: row.day, recordedAt: clock.timestamp(), payload: payload))
        return "decision \(number) (\(row.status.state)): \(row.title)"
    }
}
