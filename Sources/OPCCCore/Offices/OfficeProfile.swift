/// What makes one OPCC different from another: its decision numbering, its publication deadline, its form's limits,
/// the sign-offs its decision records need and the roles it uses. Read from `fixtures/offices/*.yaml` so an office
/// changes policy without a release; nothing office-specific lives in code.
public struct OfficeProfile: Hashable, Sendable {
    /// A position whose sign-off (declaration, consultation initials or approval) a decision record needs before it
    /// goes to the decision-maker. Cumbria: originating officer and Chief Executive; Lincolnshire adds initialled
    /// consultations with the force CFO, the Chief Constable, the PCC's CFO and the monitoring officer.
    public struct Signatory: Hashable, Sendable, Codable {
        /// How the form records the sign-off.
        public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
            case declaration, consultation, approval
        }
        public let position: String
        public let title: String
        public let kind: Kind
        /// The role of the person who records this sign-off in the product.
        public let role: Role
    }

    /// Short identifier used on the command line (`--office cumbria`) and in every record.
    public let id: String
    public let name: String
    /// Organisation identifier in org-id.guide form (e.g. `GB-GOR-…`), where known.
    public let orgID: String?
    /// The prefix of the office's 360Giving grant identifiers, as registered with 360Giving (`360G-…`); default
    /// `360G-opcc-<id>` until the office registers its own.
    public let threeSixtyGivingPrefix: String
    public let numbering: NumberingTemplate
    /// Part 1 goes on the website within this many working days of approval (Cumbria 3, Lincolnshire 1).
    public let part1DeadlineWorkingDays: Int
    /// Whether a deferral of publication must give an until-date (Cumbria's form asks for it only "if known").
    public let deferralNeedsUntilDate: Bool
    /// Whether Part 1 prints the reason a Part 2 exists (Lincolnshire does).
    public let part2ReasonPrintedOnPart1: Bool
    /// The executive summary's limit in whitespace-separated words; nil for none.
    public let executiveSummaryWordLimit: Int?
    /// Implication sections beyond the standard seven (e.g. human rights, sustainability).
    public let extraImplicationSections: [String]
    public let signatories: [Signatory]
    public let roles: [Role]
    /// Quarterly returns fall due this many working days after quarter end (default 15).
    public let returnDueWorkingDays: Int
    /// Outstanding returns are reminded when due within this many working days (default 5, 0…30; 0 reminds on the
    /// due day). See `DeadlineRules`.
    public let returnReminderWorkingDays: Int
    /// Outstanding returns are escalated once this many working days late (default 10, 1…60). See `DeadlineRules`.
    public let returnEscalationWorkingDays: Int
    /// Who may decide in the Commissioner's place (Cumbria's form: "Police & Crime Commissioner / Chief Executive
    /// (delete as appropriate)"), and up to what amount; nil when only the Commissioner decides.
    public let decisionDelegation: DecisionDelegation?
    /// Roles that may read Part 2 content (default: officer, chief executive, commissioner, auditor).
    public let part2Readers: [Role]

    /// A delegation of the decision from the Commissioner.
    public struct DecisionDelegation: Hashable, Sendable {
        public let role: Role
        /// The largest amount the delegate may decide; nil for no limit.
        public let upTo: Money?
        /// Whether the Commissioner notes each decision the delegate takes, as a dated act of its own (Lancashire:
        /// the Chief Executive decides within £50,000 and the Commissioner notes it); false by default.
        public let notedByCommissioner: Bool

        public init(role: Role, upTo: Money?, notedByCommissioner: Bool = false) {
            self.role = role
            self.upTo = upTo
            self.notedByCommissioner = notedByCommissioner
        }
    }

    /// A deliberate over-commitment the office allows beyond a strand's budget, in percent (Warwickshire 2023/24
    /// awarded £525,179 against £510k, expecting underspends); nil for none. Every allocation relying on it records it.
    public let overCommitmentPercent: Int?
    /// A virement between strands above this amount needs a decision record; nil: every virement needs only a reason.
    public let virementDecisionAbove: Money?
    /// Who may decide a carry-forward in the Commissioner's place, for forecasts below an amount; nil when only the
    /// Commissioner decides carry-forwards.
    public let carryForwardDelegation: CarryForwardDelegation?
    /// From this day, a grant agreement drafted on or after it needs its equality impact assessment and risk
    /// assessment attached as current documents, not just their references recorded; nil (the default): references.
    public let assessmentDocumentsRequired: Day?
    /// Roles whose holders must sign in with a second factor (a code from an authenticator app, RFC 6238) as well as
    /// their password; empty (the default): a second factor is each person's choice.
    public let secondFactorRequiredFor: [Role]
    /// The office's forward plan of key decisions, when its profile turns it on (`forwardPlan:`); nil: the office
    /// publishes none and no decision is key.
    public var forwardPlan: ForwardPlanPolicy? = nil

    /// A delegated carry-forward decision: the role, and the forecast below which it may decide.
    public struct CarryForwardDelegation: Hashable, Sendable {
        public let role: Role
        public let below: Money
    }

    public static let defaultPart2Readers: [Role] = [.officer, .chiefExecutive, .commissioner, .auditor]

    /// The sections every decision record carries, in form order.
    public static let standardImplicationSections = [
        "financial", "legal", "risk", "hr-equality", "it", "procurement", "victims",
    ]

    public var implicationSections: [String] { Self.standardImplicationSections + extraImplicationSections }

    /// The funder's organisation identifier in 360Giving data: the office's org-id, else `<prefix>-ORG`.
    public var threeSixtyGivingFunderID: String { orgID ?? threeSixtyGivingPrefix + "-ORG" }
}

/// A profile that cannot be loaded: the file, the field and what is wrong with it.
public struct OfficeProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    public let source: String
    public let field: String
    public let problem: String

    public init(source: String, field: String, problem: String) {
        self.source = source
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(source): \(field): \(problem)" }
}

extension OfficeProfile {
    private struct Raw: Decodable {
        struct Numbering: Decodable {
            var template: String?
            var reset: String?
            var terms: [NumberingTemplate.Term]?
        }
        struct Publication: Decodable {
            var part1DeadlineWorkingDays: Int?
            var deferralNeedsUntilDate: Bool?
            var part2ReasonPrintedOnPart1: Bool?
        }
        struct Signatory: Decodable {
            var position: String?
            var title: String?
            var kind: String?
            var role: String?
        }
        var id: String?
        var name: String?
        var orgId: String?
        var threeSixtyGivingPrefix: String?
        var decisionNumbering: Numbering?
        var publication: Publication?
        var executiveSummaryWordLimit: Int?
        var extraImplicationSections: [String]?
        var signatories: [Signatory]?
        var roles: [String]?
        var returnDueWorkingDays: Int?
        var returnReminderWorkingDays: Int?
        var returnEscalationWorkingDays: Int?
        var decisionDelegation: Delegation?
        var part2Readers: [String]?
        var overCommitmentPercent: Int?
        var virementDecisionAbove: String?
        var carryForwardDelegation: CarryForwardDelegationRaw?
        var assessmentDocumentsRequired: String?
        var secondFactorRequiredFor: [String]?
        var forwardPlan: ForwardPlanRaw?
        struct ForwardPlanRaw: Decodable {
            var keyDecisionAbove: String?
            var significantPublicInterest: Bool?
            var noticeClearDays: Int?
        }
        struct Delegation: Decodable {
            var role: String?
            var upTo: String?
            var notedByCommissioner: Bool?
        }
        struct CarryForwardDelegationRaw: Decodable {
            var role: String?
            var below: String?
        }
    }

    /// Parses and validates a profile's YAML text. `source` names the file in every error.
    public static func parse(yaml: String, source: String) throws(OfficeProfileError) -> OfficeProfile {
        func fail(_ field: String, _ problem: String) -> OfficeProfileError {
            OfficeProfileError(source: source, field: field, problem: problem)
        }
        let raw: Raw
        do { raw = try StrictYAML.decode(Raw.self, from: yaml, source: source) } catch {
            throw fail(error.field, error.problem)
        }
        return try validate(raw, fail: fail)
    }

    private static func validate(
        _ raw: Raw, fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> OfficeProfile {
        let (id, name, prefix) = try validateIdentity(raw, fail: fail)
        let numbering = try validateNumbering(raw.decisionNumbering, fail: fail)
        guard let publication = raw.publication else { throw fail("publication", "missing") }
        guard let deadline = publication.part1DeadlineWorkingDays else {
            throw fail("publication.part1DeadlineWorkingDays", "missing (Cumbria 3, Lincolnshire 1)")
        }
        guard (0...60).contains(deadline) else {
            throw fail("publication.part1DeadlineWorkingDays", "\(deadline) is outside 0…60 working days")
        }
        if let limit = raw.executiveSummaryWordLimit, !(1...10_000).contains(limit) {
            throw fail("executiveSummaryWordLimit", "\(limit) must be 1…10000 words, or left out for no limit")
        }
        let roles = try validateRoles(raw.roles, fail: fail)
        let signatories = try validateSignatories(raw.signatories, roles: roles, fail: fail)
        let extras = raw.extraImplicationSections ?? []
        for (i, section) in extras.enumerated()
        where section.isEmpty || standardImplicationSections.contains(section) {
            throw fail("extraImplicationSections[\(i)]", "'\(section)' is empty or already a standard section")
        }
        let returnDue = raw.returnDueWorkingDays ?? 15
        guard (0...60).contains(returnDue) else {
            throw fail("returnDueWorkingDays", "\(returnDue) is outside 0…60 working days")
        }
        let returnReminder = raw.returnReminderWorkingDays ?? 5
        guard (0...30).contains(returnReminder) else {
            throw fail("returnReminderWorkingDays", "\(returnReminder) is outside 0…30 working days")
        }
        let returnEscalation = raw.returnEscalationWorkingDays ?? 10
        guard (1...60).contains(returnEscalation) else {
            throw fail("returnEscalationWorkingDays", "\(returnEscalation) is outside 1…60 working days")
        }
        let delegation = try validateDelegation(raw.decisionDelegation, roles: roles, fail: fail)
        let readers = try validatePart2Readers(raw.part2Readers, roles: roles, fail: fail)
        if let percent = raw.overCommitmentPercent, !(1...100).contains(percent) {
            throw fail("overCommitmentPercent", "\(percent) must be 1…100, or left out for none")
        }
        var virementDecisionAbove: Money?
        if let text = raw.virementDecisionAbove {
            do { virementDecisionAbove = try Money(parsing: text) } catch {
                throw fail("virementDecisionAbove", error.description)
            }
        }
        let carryForwardDelegation = try validateCarryForwardDelegation(
            raw.carryForwardDelegation, roles: roles, fail: fail)
        var assessmentDocumentsRequired: Day?
        if let text = raw.assessmentDocumentsRequired {
            do { assessmentDocumentsRequired = try Day(iso: text) } catch {
                throw fail("assessmentDocumentsRequired", "'\(text)' is not a day (YYYY-MM-DD): the day it is set")
            }
        }
        return OfficeProfile(
            id: id, name: name, orgID: raw.orgId, threeSixtyGivingPrefix: prefix, numbering: numbering,
            part1DeadlineWorkingDays: deadline,
            deferralNeedsUntilDate: publication.deferralNeedsUntilDate ?? false,
            part2ReasonPrintedOnPart1: publication.part2ReasonPrintedOnPart1 ?? false,
            executiveSummaryWordLimit: raw.executiveSummaryWordLimit, extraImplicationSections: extras,
            signatories: signatories, roles: roles, returnDueWorkingDays: returnDue,
            returnReminderWorkingDays: returnReminder, returnEscalationWorkingDays: returnEscalation,
            decisionDelegation: delegation, part2Readers: readers, overCommitmentPercent: raw.overCommitmentPercent,
            virementDecisionAbove: virementDecisionAbove, carryForwardDelegation: carryForwardDelegation,
            assessmentDocumentsRequired: assessmentDocumentsRequired,
            secondFactorRequiredFor: try validateSecondFactorRoles(
                raw.secondFactorRequiredFor, roles: roles, fail: fail),
            forwardPlan: try validateForwardPlan(raw.forwardPlan, fail: fail))
    }

    /// The office's id, name, org-id and 360Giving prefix (defaulted from the id).
    private static func validateIdentity(
        _ raw: Raw, fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> (id: String, name: String, prefix: String) {
        guard let id = raw.id, !id.isEmpty else { throw fail("id", "missing; give a short lowercase name") }
        guard id.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw fail("id", "'\(id)' must be lowercase letters, digits and hyphens (it is typed as --office)")
        }
        guard let name = raw.name, !name.isBlank else { throw fail("name", "missing") }
        if let org = raw.orgId {
            let parts = org.split(separator: "-", maxSplits: 2)
            guard parts.count == 3, parts[0].count == 2, parts[0].allSatisfy(\.isUppercase) else {
                throw fail("orgId", "'\(org)' is not an org-id such as GB-GOR-PC000123 (country-list-identifier)")
            }
        }
        let prefix = raw.threeSixtyGivingPrefix ?? "360G-opcc-\(id)"
        guard prefix.hasPrefix("360G-"), prefix.count > 5, !prefix.hasSuffix("-"),
            prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            throw fail(
                "threeSixtyGivingPrefix",
                "'\(prefix)' is not a 360Giving prefix: it starts 360G- and has only letters, digits, '-', '_' and "
                    + "'.' (e.g. 360G-opcc-\(id)); leave it out for that default")
        }
        return (id, name, prefix)
    }

    /// The roles the office uses, each one of the product's.
    private static func validateRoles(
        _ roleNames: [String]?, fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> [Role] {
        guard let roleNames = roleNames, !roleNames.isEmpty else {
            throw fail("roles", "missing; list the roles the office uses: \(Role.namesForHelp)")
        }
        var roles: [Role] = []
        for (i, roleName) in roleNames.enumerated() {
            guard let role = Role(rawValue: roleName) else {
                throw fail("roles[\(i)]", "'\(roleName)' is not a role; the roles are \(Role.namesForHelp)")
            }
            roles.append(role)
        }
        return roles
    }

    /// The roles that must sign in with a second factor: the office's own, each once, never the public (who has no
    /// account).
    private static func validateSecondFactorRoles(
        _ names: [String]?, roles: [Role], fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> [Role] {
        var required: [Role] = []
        for (i, name) in (names ?? []).enumerated() {
            guard let role = Role(rawValue: name), roles.contains(role), role != .public else {
                throw fail(
                    "secondFactorRequiredFor[\(i)]",
                    "'\(name)' is not one of this office's roles (public has no account to protect)")
            }
            guard !required.contains(role) else {
                throw fail("secondFactorRequiredFor[\(i)]", "'\(name)' is listed twice")
            }
            required.append(role)
        }
        return required
    }

    /// Who may read Part 2: the office's own roles (the default ones it uses when left out), never the public.
    private static func validatePart2Readers(
        _ names: [String]?, roles: [Role], fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> [Role] {
        var readers: [Role] = []
        let defaultReaders = defaultPart2Readers.filter(roles.contains).map(\.rawValue)
        for (i, name) in (names ?? defaultReaders).enumerated() {
            guard let role = Role(rawValue: name), roles.contains(role), role != .public else {
                throw fail(
                    "part2Readers[\(i)]", "'\(name)' is not one of this office's roles (public may never read Part 2)")
            }
            readers.append(role)
        }
        return readers
    }

    /// The forward plan's policy: what is key (above an amount, of significant public interest, or both) and the
    /// clear days' notice a key decision needs on the plan.
    private static func validateForwardPlan(
        _ raw: Raw.ForwardPlanRaw?, fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> ForwardPlanPolicy? {
        guard let raw else { return nil }
        guard let days = raw.noticeClearDays else {
            throw fail("forwardPlan.noticeClearDays", "missing: the clear days' notice a key decision needs, e.g. 28")
        }
        guard (1...365).contains(days) else {
            throw fail("forwardPlan.noticeClearDays", "\(days) is outside 1…365 clear days")
        }
        var above: Money?
        if let text = raw.keyDecisionAbove {
            do { above = try Money(parsing: text) } catch {
                throw fail("forwardPlan.keyDecisionAbove", error.description)
            }
        }
        let publicInterest = raw.significantPublicInterest ?? false
        guard above != nil || publicInterest else {
            throw fail(
                "forwardPlan",
                "nothing would be key: give keyDecisionAbove (e.g. \"£100,000\"), significantPublicInterest: true, "
                    + "or both")
        }
        return ForwardPlanPolicy(
            keyDecisionAbove: above, significantPublicInterestIsKey: publicInterest, noticeClearDays: days)
    }

    /// Who decides carry-forwards below an amount in the Commissioner's place, if anyone.
    private static func validateCarryForwardDelegation(
        _ raw: Raw.CarryForwardDelegationRaw?, roles: [Role], fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> CarryForwardDelegation? {
        guard let raw else { return nil }
        guard let name = raw.role, let role = Role(rawValue: name), roles.contains(role), role != .commissioner
        else {
            throw fail(
                "carryForwardDelegation.role",
                "'\(raw.role ?? "")' must be one of this office's roles, "
                    + "other than commissioner")
        }
        guard let text = raw.below, let below = try? Money(parsing: text) else {
            throw fail(
                "carryForwardDelegation.below", "give the amount below which the delegate decides, e.g. £10,000")
        }
        return CarryForwardDelegation(role: role, below: below)
    }

    private static func validateNumbering(
        _ raw: Raw.Numbering?, fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> NumberingTemplate {
        guard let raw, let template = raw.template else {
            throw fail("decisionNumbering.template", "missing, e.g. \"{seq:3}/{year}\" for 014/2016")
        }
        guard let resetName = raw.reset, let reset = NumberingTemplate.Reset(rawValue: resetName) else {
            throw fail(
                "decisionNumbering.reset",
                "'\(raw.reset ?? "")' must be one of "
                    + NumberingTemplate.Reset.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let terms = raw.terms ?? []
        // Named here rather than by the template's own error, so the office is told which key to add.
        if template.contains("{term}") && terms.isEmpty {
            throw fail(
                "decisionNumbering.terms",
                "missing: the template's {term} needs the office's PCC terms, each with its number and first day "
                    + "(terms: [{number: 4, starts: 2024-05-13}])")
        }
        for (i, term) in terms.enumerated() where !(1...999).contains(term.number) {
            // A number reads back at most three digits of {term}, so a larger (or a non-positive) term could not.
            throw fail("decisionNumbering.terms[\(i)].number", "\(term.number) is outside 1…999")
        }
        do { return try NumberingTemplate(template, reset: reset, terms: terms) } catch {
            throw fail("decisionNumbering.template", error.problem)
        }
    }

    private static func validateDelegation(
        _ raw: Raw.Delegation?, roles: [Role], fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> DecisionDelegation? {
        guard let raw else { return nil }
        guard let name = raw.role, let role = Role(rawValue: name), roles.contains(role), role != .commissioner else {
            throw fail(
                "decisionDelegation.role",
                "'\(raw.role ?? "")' must be one of this office's roles, other than commissioner")
        }
        var upTo: Money?
        if let text = raw.upTo {
            do { upTo = try Money(parsing: text) } catch { throw fail("decisionDelegation.upTo", error.description) }
        }
        return DecisionDelegation(role: role, upTo: upTo, notedByCommissioner: raw.notedByCommissioner ?? false)
    }

    private static func validateSignatories(
        _ raw: [Raw.Signatory]?, roles: [Role], fail: (String, String) -> OfficeProfileError
    ) throws(OfficeProfileError) -> [Signatory] {
        guard let raw, !raw.isEmpty else {
            throw fail("signatories", "missing; list the sign-offs a decision record needs before referral")
        }
        var result: [Signatory] = []
        for (i, s) in raw.enumerated() {
            let field = "signatories[\(i)]"
            guard let position = s.position, !position.isEmpty else { throw fail(field + ".position", "missing") }
            guard !result.contains(where: { $0.position == position }) else {
                throw fail(field + ".position", "'\(position)' is listed twice")
            }
            guard let title = s.title, !title.isEmpty else { throw fail(field + ".title", "missing") }
            guard let kind = s.kind.flatMap(Signatory.Kind.init(rawValue:)) else {
                throw fail(field + ".kind", "'\(s.kind ?? "")' must be declaration, consultation or approval")
            }
            guard let role = s.role.flatMap(Role.init(rawValue:)) else {
                throw fail(field + ".role", "'\(s.role ?? "")' is not a role; the roles are \(Role.namesForHelp)")
            }
            guard roles.contains(role) else {
                throw fail(field + ".role", "'\(role)' is not among this office's roles")
            }
            result.append(Signatory(position: position, title: title, kind: kind, role: role))
        }
        return result
    }
}

extension DecodingError {
    /// The dotted path of the field a decoding error is about (`publication.part1DeadlineWorkingDays`).
    public var fieldPath: String {
        let path: [any CodingKey]
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        @unknown default: path = []
        }
        return path.reduce("") { acc, key in
            if let i = key.intValue { return acc + "[\(i)]" }
            return acc.isEmpty ? key.stringValue : acc + "." + key.stringValue
        }.ifEmptyField
    }

    /// The reason in plain words, without Swift type names where they help nobody.
    public var plainReason: String {
        switch self {
        case .typeMismatch(let type, _): return "expected \(Self.plainName(of: type))"
        case .valueNotFound(let type, _): return "missing \(Self.plainName(of: type))"
        case .keyNotFound: return "missing"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "\(self)"
        }
    }

    private static func plainName(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default: return "a value of the right form"
        }
    }
}

extension String {
    fileprivate var ifEmptyField: String { isEmpty ? "(file)" : self }
}
