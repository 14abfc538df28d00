import Foundation
import GRDB
import OPCCCore

extension Migrations {
    /// The roles a grant may hold from `2026-12-12-grant-round-applications` on: partners' `applicant` and `assessor`
    /// join the list (the table is rebuilt, as SQLite cannot change a CHECK in place).
    static let roleCheckWithPartners =
        "role IN ('officer', 'finance', 'chief-executive', 'commissioner', "
        + "'project-board-member', 'auditor', 'public', 'administrator', 'applicant', 'assessor')"

    /// Open grant rounds (issue 29): partner organisations by org-id; rounds with their spec; applications with
    /// their draft; eligibility marks, conflict declarations, assessors' scores and the panel's recommendations.
    /// Marks, declarations, scores and recommendations are written once and never changed or deleted (a change of
    /// mind is for the panel's recommendation, itself recorded once): the tables are the assessment's history.
    static func grantRoundApplications(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE partner_organisation (
                    org_id TEXT PRIMARY KEY NOT NULL CHECK (org_id GLOB 'GB-CHC-*' OR org_id GLOB 'GB-COH-*'),
                    name TEXT NOT NULL CHECK (name <> ''),
                    kind TEXT NOT NULL CHECK (kind IN ('charity', 'company', 'council', 'community-group')),
                    registered_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE partner_member (
                    person_name TEXT PRIMARY KEY NOT NULL REFERENCES person(name),
                    org_id TEXT NOT NULL REFERENCES partner_organisation(org_id)
                ) STRICT;
                CREATE TABLE grant_round (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'recommended', 'decided')),
                    title TEXT NOT NULL CHECK (title <> ''),
                    strand TEXT NOT NULL CHECK (strand <> ''),
                    financial_year_start INTEGER NOT NULL,
                    total_pence INTEGER NOT NULL CHECK (total_pence > 0),
                    spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
                    decision_id TEXT REFERENCES decision_record(id),
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX grant_round_office ON grant_round(office_id);
                CREATE UNIQUE INDEX grant_round_decision ON grant_round(decision_id) WHERE decision_id IS NOT NULL;
                CREATE TABLE grant_application (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    round_id TEXT NOT NULL REFERENCES grant_round(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    org_id TEXT NOT NULL REFERENCES partner_organisation(org_id),
                    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'eligible', 'ineligible', 'recommended',
                        'awarded', 'declined')),
                    amount_pence INTEGER NOT NULL CHECK (amount_pence >= 0),
                    draft_json TEXT NOT NULL CHECK (json_valid(draft_json)),
                    submitted_at_ms INTEGER,
                    applicant TEXT NOT NULL REFERENCES person(name),
                    CHECK (state = 'draft' OR submitted_at_ms IS NOT NULL)
                ) STRICT;
                CREATE INDEX grant_application_round ON grant_application(round_id);
                CREATE INDEX grant_application_org ON grant_application(org_id);
                CREATE TABLE application_eligibility (
                    application_id TEXT PRIMARY KEY NOT NULL REFERENCES grant_application(id),
                    eligible INTEGER NOT NULL CHECK (eligible IN (0, 1)),
                    reason TEXT NOT NULL CHECK (reason <> ''),
                    marked_by TEXT NOT NULL,
                    marked_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE assessor_conflict (
                    application_id TEXT NOT NULL REFERENCES grant_application(id),
                    assessor TEXT NOT NULL REFERENCES person(name),
                    conflicted INTEGER NOT NULL CHECK (conflicted IN (0, 1)),
                    note TEXT NOT NULL,
                    declared_at TEXT NOT NULL,
                    PRIMARY KEY (application_id, assessor)
                ) STRICT;
                CREATE TABLE assessor_score (
                    application_id TEXT NOT NULL REFERENCES grant_application(id),
                    assessor TEXT NOT NULL REFERENCES person(name),
                    scores_json TEXT NOT NULL CHECK (json_valid(scores_json)),
                    weighted_bp INTEGER NOT NULL CHECK (weighted_bp BETWEEN 0 AND 10000),
                    submitted_at TEXT NOT NULL,
                    PRIMARY KEY (application_id, assessor)
                ) STRICT;
                CREATE TABLE panel_recommendation (
                    application_id TEXT PRIMARY KEY NOT NULL REFERENCES grant_application(id),
                    moderated_bp INTEGER NOT NULL CHECK (moderated_bp BETWEEN 0 AND 10000),
                    recommendation TEXT NOT NULL CHECK (recommendation IN ('award', 'award-reduced', 'decline')),
                    amount_pence INTEGER CHECK (amount_pence IS NULL OR amount_pence > 0),
                    reasons TEXT NOT NULL CHECK (reasons <> ''),
                    recorded_by TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    CHECK ((recommendation = 'decline') = (amount_pence IS NULL))
                ) STRICT;
                CREATE TRIGGER application_eligibility_is_never_changed BEFORE UPDATE ON application_eligibility
                BEGIN SELECT RAISE(ABORT, 'an eligibility mark is never changed'); END;
                CREATE TRIGGER assessor_conflict_is_never_changed BEFORE UPDATE ON assessor_conflict
                BEGIN SELECT RAISE(ABORT, 'a conflict declaration is never changed'); END;
                CREATE TRIGGER assessor_score_is_never_changed BEFORE UPDATE ON assessor_score
                BEGIN SELECT RAISE(ABORT, 'submitted scores are never changed'); END;
                CREATE TRIGGER panel_recommendation_is_never_changed BEFORE UPDATE ON panel_recommendation
                BEGIN SELECT RAISE(ABORT, 'a recommendation is never changed'); END;
                CREATE TRIGGER grant_application_is_never_deleted BEFORE DELETE ON grant_application
                BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;
                CREATE TRIGGER assessor_score_is_never_deleted BEFORE DELETE ON assessor_score
                BEGIN SELECT RAISE(ABORT, 'scores are never deleted'); END;

                CREATE TABLE role_grant_new (
                    id INTEGER PRIMARY KEY,
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    role TEXT NOT NULL CHECK (\(roleCheckWithPartners)),
                    scope TEXT NOT NULL DEFAULT '',
                    UNIQUE (person_id, role, scope)
                ) STRICT;
                INSERT INTO role_grant_new (id, person_id, role, scope) SELECT id, person_id, role, scope FROM role_grant;
                DROP TABLE role_grant;
                ALTER TABLE role_grant_new RENAME TO role_grant;
                """)
    }
}

extension PGMigrations {
    /// `2026-12-12-grant-round-applications` on PostgreSQL: `Migrations.grantRoundApplications`, translated.
    static let grantRoundApplications = #"""
        CREATE TABLE partner_organisation (
            org_id text COLLATE "C" PRIMARY KEY CHECK (org_id LIKE 'GB-CHC-%' OR org_id LIKE 'GB-COH-%'),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('charity', 'company', 'council', 'community-group')),
            registered_at text COLLATE "C" NOT NULL
        );
        CREATE TABLE partner_member (
            person_name text COLLATE "C" PRIMARY KEY REFERENCES person(name),
            org_id text COLLATE "C" NOT NULL REFERENCES partner_organisation(org_id)
        );
        CREATE TABLE grant_round (
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            state text COLLATE "C" NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'recommended', 'decided')),
            title text COLLATE "C" NOT NULL CHECK (title <> ''),
            strand text COLLATE "C" NOT NULL CHECK (strand <> ''),
            financial_year_start bigint NOT NULL,
            total_pence bigint NOT NULL CHECK (total_pence > 0),
            spec_json text COLLATE "C" NOT NULL,
            decision_id text COLLATE "C" REFERENCES decision_record(id),
            created_by text COLLATE "C" NOT NULL,
            created_at text COLLATE "C" NOT NULL
        );
        CREATE INDEX grant_round_office ON grant_round(office_id);
        CREATE UNIQUE INDEX grant_round_decision ON grant_round(decision_id) WHERE decision_id IS NOT NULL;
        CREATE TABLE grant_application (
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            round_id text COLLATE "C" NOT NULL REFERENCES grant_round(id),
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            org_id text COLLATE "C" NOT NULL REFERENCES partner_organisation(org_id),
            state text COLLATE "C" NOT NULL CHECK (state IN ('draft', 'submitted', 'eligible', 'ineligible',
                'recommended', 'awarded', 'declined')),
            amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
            draft_json text COLLATE "C" NOT NULL,
            submitted_at_ms bigint,
            applicant text COLLATE "C" NOT NULL REFERENCES person(name),
            CHECK (state = 'draft' OR submitted_at_ms IS NOT NULL)
        );
        CREATE INDEX grant_application_round ON grant_application(round_id);
        CREATE INDEX grant_application_org ON grant_application(org_id);
        CREATE TABLE application_eligibility (
            application_id text COLLATE "C" PRIMARY KEY REFERENCES grant_application(id),
            eligible bigint NOT NULL CHECK (eligible IN (0, 1)),
            reason text COLLATE "C" NOT NULL CHECK (reason <> ''),
            marked_by text COLLATE "C" NOT NULL,
            marked_at text COLLATE "C" NOT NULL
        );
        CREATE TABLE assessor_conflict (
            application_id text COLLATE "C" NOT NULL REFERENCES grant_application(id),
            assessor text COLLATE "C" NOT NULL REFERENCES person(name),
            conflicted bigint NOT NULL CHECK (conflicted IN (0, 1)),
            note text COLLATE "C" NOT NULL,
            declared_at text COLLATE "C" NOT NULL,
            PRIMARY KEY (application_id, assessor)
        );
        CREATE TABLE assessor_score (
            application_id text COLLATE "C" NOT NULL REFERENCES grant_application(id),
            assessor text COLLATE "C" NOT NULL REFERENCES person(name),
            scores_json text COLLATE "C" NOT NULL,
            weighted_bp bigint NOT NULL CHECK (weighted_bp BETWEEN 0 AND 10000),
            submitted_at text COLLATE "C" NOT NULL,
            PRIMARY KEY (application_id, assessor)
        );
        CREATE TABLE panel_recommendation (
            application_id text COLLATE "C" PRIMARY KEY REFERENCES grant_application(id),
            moderated_bp bigint NOT NULL CHECK (moderated_bp BETWEEN 0 AND 10000),
            recommendation text COLLATE "C" NOT NULL CHECK (recommendation IN ('award', 'award-reduced', 'decline')),
            amount_pence bigint CHECK (amount_pence IS NULL OR amount_pence > 0),
            reasons text COLLATE "C" NOT NULL CHECK (reasons <> ''),
            recorded_by text COLLATE "C" NOT NULL,
            recorded_at text COLLATE "C" NOT NULL,
            CHECK ((recommendation = 'decline') = (amount_pence IS NULL))
        );
        CREATE TRIGGER application_eligibility_is_never_changed BEFORE UPDATE ON application_eligibility FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('an eligibility mark is never changed');
        CREATE TRIGGER assessor_conflict_is_never_changed BEFORE UPDATE ON assessor_conflict FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('a conflict declaration is never changed');
        CREATE TRIGGER assessor_score_is_never_changed BEFORE UPDATE ON assessor_score FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('submitted scores are never changed');
        CREATE TRIGGER panel_recommendation_is_never_changed BEFORE UPDATE ON panel_recommendation FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('a recommendation is never changed');
        CREATE TRIGGER grant_application_is_never_deleted BEFORE DELETE ON grant_application FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('applications are never deleted');
        CREATE TRIGGER assessor_score_is_never_deleted BEFORE DELETE ON assessor_score FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('scores are never deleted');
        ALTER TABLE role_grant DROP CONSTRAINT role_grant_role_check;
        ALTER TABLE role_grant ADD CONSTRAINT role_grant_role_check CHECK (role IN ('officer', 'finance',
            'chief-executive', 'commissioner', 'project-board-member', 'auditor', 'public', 'administrator',
            'applicant', 'assessor'));
        """#
}

/// A round's spec as stored (JSON in `grant_round.spec_json`): plain values, so the stored form does not follow
/// the domain types' layout.
private struct SpecJSON: Codable {
    struct Band: Codable {
        var name: String
        var upToPence: Int64?
    }
    var title: String
    var strand: String
    var yearStart: Int
    var totalPence: Int64
    var bands: [Band]
    var organisationKinds: [String]
    var areas: [String]
    var criteria: [RoundCriterion]
    var scale: [ScoringScale.Point]
    var questions: [RoundQuestion]
    var opens: String
    var closes: String
    var assessors: [String]
    var spreadThresholdPercent: Int
    var endOfGrantReport: Bool

    init(_ s: GrantRoundSpec) {
        title = s.title
        strand = s.strand
        yearStart = s.year.startYear
        totalPence = s.total.pence
        bands = s.bands.bands.map { Band(name: $0.name, upToPence: $0.upTo?.pence) }
        organisationKinds = s.eligibility.organisationKinds.map(\.rawValue)
        areas = s.eligibility.areas
        criteria = s.criteria
        scale = s.scale.points
        questions = s.questions
        opens = s.opens.description
        closes = s.closes.description
        assessors = s.assessors
        spreadThresholdPercent = s.spreadThresholdPercent
        endOfGrantReport = s.endOfGrantReport
    }

    func spec() throws -> GrantRoundSpec {
        func money(_ pence: Int64) throws -> Money {
            guard let m = Money(pence: pence) else { throw StoreError.invalidData(what: "round amount \(pence)") }
            return m
        }
        guard let opens = LondonTime(parsing: opens), let closes = LondonTime(parsing: closes) else {
            throw StoreError.invalidData(what: "round times \(opens), \(closes)")
        }
        let bands: SizeBands
        do {
            bands = try SizeBands(try self.bands.map { SizeBands.Band($0.name, upTo: try $0.upToPence.map(money)) })
        } catch { throw StoreError.invalidData(what: "round bands") }
        return GrantRoundSpec(
            title: title, strand: strand, year: FinancialYear(startYear: yearStart), total: try money(totalPence),
            bands: bands,
            eligibility: RoundEligibility(
                organisationKinds: organisationKinds.compactMap(OrganisationKind.init(rawValue:)), areas: areas),
            criteria: criteria, scale: ScoringScale(points: scale), questions: questions, opens: opens,
            closes: closes, assessors: assessors, spreadThresholdPercent: spreadThresholdPercent,
            endOfGrantReport: endOfGrantReport)
    }
}

/// An application's draft as stored (JSON in `grant_application.draft_json`).
private struct DraftJSON: Codable {
    struct Line: Codable {
        var item: String
        var pence: Int64
    }
    var title: String
    var answers: [String: String]
    var amountPence: Int64
    var budget: [Line]
    var area: String
    var outcomes: [String]

    init(_ d: ApplicationDraft) {
        title = d.title
        answers = d.answers
        amountPence = d.amountRequested.pence
        budget = d.budget.map { Line(item: $0.item, pence: $0.amount.pence) }
        area = d.area
        outcomes = d.outcomes
    }

    func draft() throws -> ApplicationDraft {
        func money(_ pence: Int64) throws -> Money {
            guard let m = Money(pence: pence) else { throw StoreError.invalidData(what: "application amount") }
            return m
        }
        return ApplicationDraft(
            title: title, answers: answers, amountRequested: try money(amountPence),
            budget: try budget.map { BudgetLine(item: $0.item, amount: try money($0.pence)) }, area: area,
            outcomes: outcomes)
    }
}

private func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

private func fromJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(text.utf8))
}

extension SQLTransaction {
    func insertOrganisation(_ organisation: PartnerOrganisation, at: String) throws {
        _ = try execute(
            sql: "INSERT INTO partner_organisation (org_id, name, kind, registered_at) VALUES (?, ?, ?, ?)",
            arguments: [organisation.orgID, organisation.name, organisation.kind.rawValue, at])
    }

    func organisation(orgID: String) throws -> PartnerOrganisation? {
        try fetchFirst(
            sql: "SELECT org_id, name, kind FROM partner_organisation WHERE org_id = ?", arguments: [orgID]
        ) { row in try Self.organisation(row, 0) }
    }

    private static func organisation(_ row: SQLRow, _ at: Int) throws -> PartnerOrganisation {
        let kind: String = row[at + 2]
        guard let parsed = OrganisationKind(rawValue: kind) else {
            throw StoreError.invalidData(what: "organisation kind '\(kind)'")
        }
        return PartnerOrganisation(orgID: row[at], name: row[at + 1], kind: parsed)
    }

    func addPartnerMember(person: String, orgID: String) throws {
        _ = try execute(
            sql: "INSERT INTO partner_member (person_name, org_id) VALUES (?, ?)", arguments: [person, orgID])
    }

    func partnerOrganisation(ofPerson person: String) throws -> String? {
        try fetchValue(String.self, sql: "SELECT org_id FROM partner_member WHERE person_name = ?", arguments: [person])
    }

    func roundCount(office: String) throws -> Int {
        Int(try fetchOneInt64(sql: "SELECT COUNT(*) FROM grant_round WHERE office_id = ?", arguments: [office]) ?? 0)
    }

    func insertRound(_ round: StoredRound, at: String) throws {
        _ = try execute(
            sql: """
                INSERT INTO grant_round (id, office_id, state, title, strand, financial_year_start, total_pence,
                    spec_json, decision_id, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                round.id, round.office, round.state.rawValue, round.spec.title, round.spec.strand,
                round.spec.year.startYear, round.spec.total.pence, try jsonText(SpecJSON(round.spec)),
                round.decisionID, round.createdBy, at,
            ])
    }

    func updateRound(id: String, state: RoundState, decisionID: String?) throws {
        _ = try execute(
            sql: "UPDATE grant_round SET state = ?, decision_id = ? WHERE id = ?",
            arguments: [state.rawValue, decisionID, id])
    }

    private static let roundColumns = "id, office_id, state, spec_json, decision_id, created_by"

    private static func round(_ row: SQLRow) throws -> StoredRound {
        let state: String = row[2]
        guard let parsed = RoundState(rawValue: state) else {
            throw StoreError.invalidData(what: "round state '\(state)'")
        }
        let spec: String = row[3]
        return StoredRound(
            id: row[0], office: row[1], state: parsed, spec: try fromJSON(SpecJSON.self, spec).spec(),
            decisionID: row[4], createdBy: row[5])
    }

    func round(id: String) throws -> StoredRound? {
        try fetchFirst(sql: "SELECT \(Self.roundColumns) FROM grant_round WHERE id = ?", arguments: [id], Self.round)
    }

    func round(decisionID: String) throws -> StoredRound? {
        try fetchFirst(
            sql: "SELECT \(Self.roundColumns) FROM grant_round WHERE decision_id = ?", arguments: [decisionID],
            Self.round)
    }

    func rounds(office: String?) throws -> [StoredRound] {
        let rows =
            try office.map {
                try fetchAllRows(
                    sql: "SELECT \(Self.roundColumns) FROM grant_round WHERE office_id = ? ORDER BY id", arguments: [$0]
                )
            } ?? fetchAllRows(sql: "SELECT \(Self.roundColumns) FROM grant_round ORDER BY id")
        return try rows.map(Self.round)
    }

    func applicationCount(round: String) throws -> Int {
        Int(
            try fetchOneInt64(sql: "SELECT COUNT(*) FROM grant_application WHERE round_id = ?", arguments: [round])
                ?? 0)
    }

    func insertApplication(_ a: StoredApplication) throws {
        _ = try execute(
            sql: """
                INSERT INTO grant_application (id, round_id, office_id, org_id, state, amount_pence, draft_json,
                    submitted_at_ms, applicant)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                a.id, a.roundID, a.office, a.organisation.orgID, a.state.rawValue, a.draft.amountRequested.pence,
                try jsonText(DraftJSON(a.draft)), a.submittedAtMs, a.applicant,
            ])
    }

    func updateApplication(id: String, state: ApplicationState, draft: ApplicationDraft, submittedAtMs: Int64?) throws {
        _ = try execute(
            sql: """
                UPDATE grant_application SET state = ?, amount_pence = ?, draft_json = ?, submitted_at_ms = ?
                WHERE id = ?
                """,
            arguments: [
                state.rawValue, draft.amountRequested.pence, try jsonText(DraftJSON(draft)), submittedAtMs, id,
            ])
    }

    private static let applicationColumns = """
        a.id, a.round_id, a.office_id, a.state, a.draft_json, a.submitted_at_ms, a.applicant, o.org_id, o.name, o.kind
        """

    private static func application(_ row: SQLRow) throws -> StoredApplication {
        let state: String = row[3]
        guard let parsed = ApplicationState(rawValue: state) else {
            throw StoreError.invalidData(what: "application state '\(state)'")
        }
        let draft: String = row[4]
        return StoredApplication(
            id: row[0], roundID: row[1], office: row[2], organisation: try organisation(row, 7), state: parsed,
            draft: try fromJSON(DraftJSON.self, draft).draft(), submittedAtMs: row[5], applicant: row[6])
    }

    func application(id: String) throws -> StoredApplication? {
        try fetchFirst(
            sql: """
                SELECT \(Self.applicationColumns) FROM grant_application a
                JOIN partner_organisation o ON o.org_id = a.org_id WHERE a.id = ?
                """, arguments: [id], Self.application)
    }

    func applications(round: String?, orgID: String?) throws -> [StoredApplication] {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let round {
            conditions.append("a.round_id = ?")
            arguments += [round]
        }
        if let orgID {
            conditions.append("a.org_id = ?")
            arguments += [orgID]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try fetchAllRows(
            sql: """
                SELECT \(Self.applicationColumns) FROM grant_application a
                JOIN partner_organisation o ON o.org_id = a.org_id \(filter) ORDER BY a.id
                """, arguments: arguments
        ).map(Self.application)
    }

    func insertEligibility(_ mark: EligibilityMark, at: String) throws {
        _ = try execute(
            sql: """
                INSERT INTO application_eligibility (application_id, eligible, reason, marked_by, marked_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [mark.applicationID, mark.eligible ? 1 : 0, mark.reason, mark.markedBy, at])
    }

    func eligibility(round: String) throws -> [EligibilityMark] {
        try fetchAllRows(
            sql: """
                SELECT e.application_id, e.eligible, e.reason, e.marked_by FROM application_eligibility e
                JOIN grant_application a ON a.id = e.application_id WHERE a.round_id = ? ORDER BY e.application_id
                """, arguments: [round]
        ).map { row in
            let eligible: Int64 = row[1]
            return EligibilityMark(applicationID: row[0], eligible: eligible == 1, reason: row[2], markedBy: row[3])
        }
    }

    func insertConflict(_ d: ConflictDeclaration, at: String) throws {
        _ = try execute(
            sql: """
                INSERT INTO assessor_conflict (application_id, assessor, conflicted, note, declared_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [d.applicationID, d.assessor, d.conflicted ? 1 : 0, d.note, at])
    }

    func conflicts(round: String) throws -> [ConflictDeclaration] {
        try fetchAllRows(
            sql: """
                SELECT c.application_id, c.assessor, c.conflicted, c.note FROM assessor_conflict c
                JOIN grant_application a ON a.id = c.application_id WHERE a.round_id = ?
                ORDER BY c.application_id, c.assessor
                """, arguments: [round]
        ).map { row in
            let conflicted: Int64 = row[2]
            return ConflictDeclaration(
                applicationID: row[0], assessor: row[1], conflicted: conflicted == 1, note: row[3])
        }
    }

    func insertScore(_ s: AssessorScore, at: String) throws {
        _ = try execute(
            sql: """
                INSERT INTO assessor_score (application_id, assessor, scores_json, weighted_bp, submitted_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [s.applicationID, s.assessor, try jsonText(s.scores), s.weightedBasisPoints, at])
    }

    func scores(round: String) throws -> [AssessorScore] {
        try fetchAllRows(
            sql: """
                SELECT s.application_id, s.assessor, s.scores_json, s.weighted_bp FROM assessor_score s
                JOIN grant_application a ON a.id = s.application_id WHERE a.round_id = ?
                ORDER BY s.application_id, s.assessor
                """, arguments: [round]
        ).map { row in
            let json: String = row[2]
            let weighted: Int64 = row[3]
            return AssessorScore(
                applicationID: row[0], assessor: row[1], scores: try fromJSON([CriterionScore].self, json),
                weightedBasisPoints: Int(weighted))
        }
    }

    func insertRecommendation(_ r: PanelRecommendation, at: String) throws {
        _ = try execute(
            sql: """
                INSERT INTO panel_recommendation (application_id, moderated_bp, recommendation, amount_pence, reasons,
                    recorded_by, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                r.applicationID, r.moderatedBasisPoints, r.recommendation.rawValue, r.amount?.pence, r.reasons,
                r.recordedBy, at,
            ])
    }

    func recommendations(round: String) throws -> [PanelRecommendation] {
        try fetchAllRows(
            sql: """
                SELECT r.application_id, r.moderated_bp, r.recommendation, r.amount_pence, r.reasons, r.recorded_by
                FROM panel_recommendation r JOIN grant_application a ON a.id = r.application_id
                WHERE a.round_id = ? ORDER BY r.application_id
                """, arguments: [round]
        ).map { row in
            let text: String = row[2]
            guard let recommendation = Recommendation(rawValue: text) else {
                throw StoreError.invalidData(what: "recommendation '\(text)'")
            }
            let moderated: Int64 = row[1]
            let pence: Int64? = row[3]
            return PanelRecommendation(
                applicationID: row[0], moderatedBasisPoints: Int(moderated), recommendation: recommendation,
                amount: pence.flatMap { Money(pence: $0) }, reasons: row[4], recordedBy: row[5])
        }
    }
}
