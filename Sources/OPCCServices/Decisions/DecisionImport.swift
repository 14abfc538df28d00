import OPCCCore
import OPCCStore

/// A complete past decision record with its dated acts, as an office brings its decision log into the product
/// (`opcc decision import FILE`). The acts are replayed through the `decision-request` workflow with their own
/// effective dates; where a rule of today's form would refuse (014/2016's summary is 118 words against Cumbria's 100),
/// the act is accepted as a flagged exception naming the rule.
public struct DecisionImportFile: Decodable, Sendable {
    public struct HistoricAct: Decodable, Sendable {
        /// submit, sign-off, refer, return-for-revision, approve, decline, defer, publish or withdraw.
        public var act: String
        public var on: Day
        /// The person as the form names them ("Stuart Edwards").
        public var by: String
        public var role: Role
        public var position: String?
        public var initials: String?
        public var reason: String?
        public var until: Day?
        public var interests: String?
        public var prejudicialInterest: Bool?
    }

    public var office: String
    public var number: String
    /// The originating officer as the form names them.
    public var originatingOfficer: String
    public var raisedOn: Day
    public var record: DecisionDraft
    public var acts: [HistoricAct]

    public static func parse(yaml: String, source: String) throws -> DecisionImportFile {
        try StrictYAML.decode(DecisionImportFile.self, from: yaml, source: source, rule: .validImportFile)
    }

    /// The act as the product performs it, or a refusal naming the act and what is missing.
    func decisionAct(_ a: HistoricAct, index: Int, source: String) throws -> Commissioning.DecisionAct {
        func need(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isBlank else {
                throw ServiceRefusal(
                    rule: .validImportFile, message: "\(source): acts[\(index)] (\(a.act)) needs '\(field)'")
            }
            return value
        }
        switch a.act {
        case "submit": return .submit(number: number)
        case "sign-off":
            return .signOff(position: try need(a.position, "position"), name: a.by, initials: a.initials)
        case "refer": return .refer
        case "return-for-revision": return .returnForRevision(reason: try need(a.reason, "reason"))
        case "approve", "decline":
            return .decide(
                approve: a.act == "approve", interests: try need(a.interests, "interests"),
                prejudicialInterest: a.prejudicialInterest ?? false)
        case "defer": return .deferPublication(reason: try need(a.reason, "reason"), until: a.until)
        case "publish": return .publish
        case "withdraw": return .withdraw(reason: try need(a.reason, "reason"))
        case "note": return .note
        default:
            throw ServiceRefusal(
                rule: .validImportFile,
                message: "\(source): acts[\(index)]: '\(a.act)' is not an act of a decision record (submit, sign-off, "
                    + "refer, return-for-revision, approve, decline, defer, publish, withdraw, note)")
        }
    }
}

extension Commissioning {
    /// Imports a historic record in one transaction: all of it, or (on any error) none of it.
    /// The importer must be an officer of the office; each act is checked against the role the file gives for it.
    @discardableResult
    public func importDecision(
        _ file: DecisionImportFile, source: String, by actorName: String
    ) async throws -> DecisionView {
        try await store.write { tx in
            let profile = try profile(of: file.office, in: tx)
            let importer = try actor(named: actorName, in: tx)
            guard importer.office == file.office, importer.actor.roles(covering: nil).contains(.officer) else {
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired,
                    message: "importing \(file.office)'s decisions needs an officer of that office")
            }
            guard let number = profile.numbering.parse(file.number)?.text else {
                throw ServiceRefusal(
                    rule: .decisionNumberForm,
                    message:
                        "\(source): '\(file.number)' is not a number in \(file.office)'s form (\(profile.numbering.text))"
                )
            }
            if try tx.decisionID(office: file.office, number: number) != nil {
                throw ServiceRefusal(
                    rule: .decisionNumberUnique, message: "\(file.office) already holds decision \(number)")
            }
            let id = try nextRecordID(office: file.office, in: tx)
            guard let title = file.record.title else {
                throw ServiceRefusal(rule: .validImportFile, message: "\(source): record.title is missing")
            }
            var record = DecisionRecord(
                id: id, office: file.office, title: title, originatingOfficer: file.originatingOfficer)
            try file.record.apply(to: &record, profile: profile)
            _ = try startInstance(
                id: id, office: file.office, workflow: "decision-request", recordRef: id, by: actorName, role: .officer,
                on: file.raisedOn, in: tx, payload: ["import": source, "onBehalfOf": file.originatingOfficer]
            ) { tx in try tx.saveDecision(record, instanceID: id) }
            var view: DecisionView?
            for (index, historic) in file.acts.enumerated() {
                let act = try file.decisionAct(historic, index: index, source: source)
                do {
                    view = try perform(
                        act, on: id, by: actorName, role: nil, on: historic.on,
                        historic: Actor(name: historic.by, grants: [RoleGrant(role: historic.role)]), in: tx)
                } catch let refused as ActRefused {
                    throw ServiceRefusal(
                        rule: .importReplay,
                        message: "\(source): acts[\(index)] (\(historic.act) on \(historic.on.iso) by \(historic.by)) "
                            + "was refused: "
                            + refused.reasons.map { "[\($0.rule)] \($0.description)" }.joined(separator: "; "))
                }
            }
            return view ?? DecisionView(record: record.withoutPart2Content, status: "draft", version: 0)
        }
    }
}
