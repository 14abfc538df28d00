import Foundation
import OPCCCore

/// The risk/harm matrix in SQLite: assessments, agencies, threats and harm scores, the selected priorities with
/// their threats and money links, and the board's decisions.
extension SQLTransaction {
    private static let jsonEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    @discardableResult
    private func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try execute(sql: sql, arguments: arguments)
    }

    private func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try fetchAllRows(sql: sql, arguments: arguments)
    }

    /// Runs a write, turning a constraint the schema holds into the domain's words.
    @discardableResult
    private func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try guarded { try body() } } catch SQLFailure.constraint(let kind) {
            switch kind {
            case .unique: throw StoreError.duplicate(what: what)
            case .trigger(let message): throw StoreError.invalidData(what: "\(what): \(message)")
            default: throw StoreError.invalidData(what: "\(what): the database refused it (\(kind))")
            }
        }
    }

    func insertAssessment(_ a: PriorityAssessment) throws {
        noteWritten(.priorityAssessment(a.id))
        let method = String(decoding: try Self.jsonEncoder.encode(a.method), as: UTF8.self)
        try guarded("an assessment by \(a.partnershipCode) for \(a.year) in \(a.office)") {
            try execute(
                """
                INSERT INTO priority_assessment (id, office_id, partnership_code, partnership_name, year_start, source,
                    method_json)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [a.id, a.office, a.partnershipCode, a.partnershipName, a.year.startYear, a.source, method])
        }
        for (index, agency) in a.agencies.enumerated() {
            try guarded("agency '\(agency)'") {
                try execute(
                    "INSERT INTO priority_agency (assessment_id, position, name) VALUES (?, ?, ?)",
                    [a.id, index + 1, agency])
            }
        }
        for (index, t) in a.threats.enumerated() {
            try guarded("threat '\(t.name)'") {
                try execute(
                    """
                    INSERT INTO priority_threat (assessment_id, position, name, recorded_total, control,
                        volume_share_bp, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [a.id, index + 1, t.name, t.recordedTotal, t.control?.rawValue, t.volumeShare?.basisPoints, t.note])
            }
            for agency in a.agencies {
                if let score = t.scores[agency] {
                    try saveHarmScore(assessment: a.id, threat: t.name, agency: agency, score)
                }
            }
        }
    }

    func saveHarmScore(assessment: String, threat: String, agency: String, _ score: HarmScore) throws {
        noteWritten(.priorityAssessment(assessment))
        let factors = try score.factors.map { String(decoding: try Self.jsonEncoder.encode($0), as: UTF8.self) }
        try guarded("\(agency)'s score for '\(threat)'") {
            try execute(
                """
                INSERT INTO priority_harm_score (assessment_id, threat, agency, sum_score, factors_json)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(assessment_id, threat, agency) DO UPDATE SET sum_score = excluded.sum_score,
                    factors_json = excluded.factors_json
                """, [assessment, threat, agency, score.sum, factors])
        }
    }

    func saveProbabilityInputs(
        assessment: String, threat: String, control: ControlStatus, share: Percentage, note: String?
    ) throws {
        noteWritten(.priorityAssessment(assessment))
        let changed = try guarded("the probability inputs of '\(threat)'") {
            try execute(
                """
                UPDATE priority_threat SET control = ?, volume_share_bp = ?, note = coalesce(?, note)
                WHERE assessment_id = ? AND name = ?
                """, [control.rawValue, share.basisPoints, note, assessment, threat])
        }
        guard changed == 1 else { throw StoreError.notFound(what: "threat '\(threat)' in \(assessment)") }
    }

    func assessment(id: String) throws -> PriorityAssessment? {
        try assessments(where: "WHERE id = ?", [id]).first
    }

    func assessments(office: String?) throws -> [PriorityAssessment] {
        guard let office else { return try assessments(where: "", []) }
        return try assessments(where: "WHERE office_id = ?", [office])
    }

    func assessmentCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM priority_assessment WHERE office_id = ?", arguments: [office])!
    }

    private func assessments(where clause: String, _ arguments: SQLArguments) throws -> [PriorityAssessment] {
        try fetchAllRows(
            sql: "SELECT * FROM priority_assessment \(clause) ORDER BY office_id, year_start, id", arguments: arguments
        ).map { row in
            let id: String = row["id"]
            let methodJSON: String = row["method_json"]
            let agencies = try fetchValues(
                String.self, sql: "SELECT name FROM priority_agency WHERE assessment_id = ? ORDER BY position",
                arguments: [id])
            var scores: [String: [String: HarmScore]] = [:]
            for s in try rows("SELECT * FROM priority_harm_score WHERE assessment_id = ?", [id]) {
                let factors: String? = s["factors_json"]
                let score =
                    try factors.map { HarmScore(factors: try JSONDecoder().decode([Int].self, from: Data($0.utf8))) }
                    ?? HarmScore(sum: s["sum_score"])
                scores[s["threat"], default: [:]][s["agency"]] = score
            }
            let threats = try rows("SELECT * FROM priority_threat WHERE assessment_id = ? ORDER BY position", [id]).map
            {
                t -> PriorityAssessment.Threat in
                let name: String = t["name"]
                let control: String? = t["control"]
                let share: Int? = t["volume_share_bp"]
                return PriorityAssessment.Threat(
                    name: name, scores: scores[name] ?? [:], recordedTotal: t["recorded_total"],
                    control: try control.map { text in
                        guard let status = ControlStatus(rawValue: text) else {
                            throw StoreError.invalidData(what: "control status '\(text)'")
                        }
                        return status
                    },
                    volumeShare: share.flatMap(Percentage.init(basisPoints:)), note: t["note"])
            }
            return PriorityAssessment(
                id: id, office: row["office_id"], partnershipCode: row["partnership_code"],
                partnershipName: row["partnership_name"], year: FinancialYear(startYear: row["year_start"]),
                source: row["source"],
                method: try JSONDecoder().decode(PartnershipMethod.self, from: Data(methodJSON.utf8)),
                agencies: agencies, threats: threats)
        }
    }

    func savePriority(assessment: String, _ p: PrioritySelection.Priority) throws {
        noteWritten(.priorityAssessment(assessment))
        try guarded("priority \(p.code)") {
            try execute(
                """
                INSERT INTO priority (assessment_id, code, position, title, kind)
                VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM priority WHERE assessment_id = ?1), ?3, ?4)
                ON CONFLICT(assessment_id, code) DO UPDATE SET title = excluded.title, kind = excluded.kind
                """, [assessment, p.code, p.title, p.kind.rawValue])
            try execute(
                "DELETE FROM priority_coverage WHERE assessment_id = ? AND priority_code = ?", [assessment, p.code])
            for (index, threat) in p.threats.enumerated() {
                try execute(
                    """
                    INSERT INTO priority_coverage (assessment_id, priority_code, position, threat) VALUES (?, ?, ?, ?)
                    """, [assessment, p.code, index + 1, threat])
            }
        }
        try saveMoneyLinks(assessment: assessment, priority: p.code, p.money)
    }

    func removePriority(assessment: String, code: String) throws {
        noteWritten(.priorityAssessment(assessment))
        let changed = try guarded("priority \(code)") {
            try execute(
                "DELETE FROM priority_money_link WHERE assessment_id = ? AND priority_code = ?", [assessment, code])
            try execute(
                "DELETE FROM priority_coverage WHERE assessment_id = ? AND priority_code = ?", [assessment, code])
            return try execute("DELETE FROM priority WHERE assessment_id = ? AND code = ?", [assessment, code])
        }
        guard changed == 1 else { throw StoreError.notFound(what: "priority \(code) in \(assessment)") }
    }

    func saveMoneyLinks(assessment: String, priority: String, _ links: [PrioritySelection.MoneyLink]) throws {
        noteWritten(.priorityAssessment(assessment))
        try guarded("the money links of priority \(priority)") {
            try execute(
                "DELETE FROM priority_money_link WHERE assessment_id = ? AND priority_code = ?",
                [assessment, priority])
            for (index, link) in links.enumerated() {
                try execute(
                    """
                    INSERT INTO priority_money_link (assessment_id, priority_code, position, strand, recipient_org_id,
                        service, share_bp)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        assessment, priority, index + 1, link.strand, link.recipient ?? "", link.service,
                        link.share.basisPoints,
                    ])
            }
        }
    }

    func appendBoardRecord(assessment: String, _ r: PrioritySelection.BoardRecord, auditSequence: Int64) throws {
        noteWritten(.priorityAssessment(assessment))
        var kind = ""
        var threat: String?
        var selected: Int?
        var compulsion: String?
        var count: Int?
        switch r.entry {
        case .mediumDecision(let t, let s): (kind, threat, selected) = ("medium-decision", t, s ? 1 : 0)
        case .compulsion(let t, let c): (kind, threat, compulsion) = ("compulsion", t, c.rawValue)
        case .priorityCount(let n): (kind, count) = ("priority-count", n)
        }
        try guarded("a board decision") {
            try execute(
                """
                INSERT INTO priority_board_record (assessment_id, seq, kind, threat, selected, compulsion,
                    priority_count, reason, day, recorded_by, audit_seq)
                VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM priority_board_record WHERE assessment_id = ?1),
                    ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """,
                [assessment, kind, threat, selected, compulsion, count, r.reason, r.day.iso, r.by, auditSequence])
        }
    }

    func selection(assessment: String) throws -> PrioritySelection {
        var threats: [String: [String]] = [:]
        for row in try rows(
            "SELECT priority_code, threat FROM priority_coverage WHERE assessment_id = ? ORDER BY position",
            [assessment])
        {
            threats[row["priority_code"], default: []].append(row["threat"])
        }
        var money: [String: [PrioritySelection.MoneyLink]] = [:]
        for row in try rows("SELECT * FROM priority_money_link WHERE assessment_id = ? ORDER BY position", [assessment])
        {
            let recipient: String = row["recipient_org_id"]
            let share: Int = row["share_bp"]
            guard let percentage = Percentage(basisPoints: share) else {
                throw StoreError.invalidData(what: "money link share \(share)")
            }
            money[row["priority_code"], default: []].append(
                .init(
                    strand: row["strand"], recipient: recipient.isEmpty ? nil : recipient, service: row["service"],
                    share: percentage))
        }
        let priorities = try rows("SELECT * FROM priority WHERE assessment_id = ? ORDER BY position", [assessment]).map
        {
            row -> PrioritySelection.Priority in
            let code: String = row["code"]
            let kind: String = row["kind"]
            guard let k = PrioritySelection.Priority.Kind(rawValue: kind) else {
                throw StoreError.invalidData(what: "priority kind '\(kind)'")
            }
            return .init(
                code: code, title: row["title"], kind: k, threats: threats[code] ?? [], money: money[code] ?? [])
        }
        let records = try rows("SELECT * FROM priority_board_record WHERE assessment_id = ? ORDER BY seq", [assessment])
            .map(Self.boardRecord(from:))
        return PrioritySelection(priorities: priorities, boardRecords: records)
    }

    private static func boardRecord(from row: SQLRow) throws -> PrioritySelection.BoardRecord {
        let kind: String = row["kind"]
        let threat: String? = row["threat"]
        let entry: PrioritySelection.BoardRecord.Entry
        switch (kind, threat) {
        case ("medium-decision", let t?):
            let selected: Int = row["selected"]
            entry = .mediumDecision(threat: t, selected: selected == 1)
        case ("compulsion", let t?):
            let text: String = row["compulsion"]
            guard let compulsion = PrioritySelection.Compulsion(rawValue: text) else {
                throw StoreError.invalidData(what: "compulsion '\(text)'")
            }
            entry = .compulsion(threat: t, compulsion)
        case ("priority-count", nil):
            entry = .priorityCount(row["priority_count"])
        default:
            throw StoreError.invalidData(what: "board decision of kind '\(kind)'")
        }
        let day: String = row["day"]
        return .init(entry, reason: row["reason"], day: try Day(iso: day), by: row["recorded_by"])
    }
}
