import Foundation
import OPCCCore
import OPCCStore

/// The wards of a VLI run: moderating and selecting them, and following the money from a selected ward to its
/// returns.
extension Commissioning {
    // MARK: Moderation and selection

    func vliWard(_ ward: String, in run: VLIRunRecord) throws -> VLIScoring.GroupSummary {
        let wards = run.result.groups["ward"] ?? []
        guard
            let found = wards.first(where: {
                $0.code == ward || $0.name.caseInsensitiveCompare(ward) == .orderedSame
            })
        else {
            throw ServiceRefusal.notFound(
                rule: .knownWard, message: "no ward '\(ward)' in run \(run.id) (import a ward lookup and score again)"
            )
        }
        return found
    }

    /// Puts a ward of the latest run on the shortlist, or adds a moderation note to it (an officer).
    public func moderateVLI(
        office: String, ward: String, note: VLINote.Kind? = nil, text: String? = nil, by actorName: String,
        on day: Day? = nil
    ) async throws {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        let effective = day ?? clock.today()
        try await store.write { tx in
            let role = try requireRole(actorName, office: office, anyOf: [.officer], in: tx, for: "VLI moderation")
            var selection =
                try tx.vliSelections(runID: run.id).first { $0.wardCode == summary.code }
                ?? VLISelection(runID: run.id, wardCode: summary.code, wardName: summary.name, status: .shortlisted)
            if let note {
                guard let text, !text.isBlank else {
                    throw ServiceRefusal(rule: .noteGiven, message: "a moderation note needs its text")
                }
                selection.notes.append(VLINote(kind: note, text: text, by: actorName, on: effective))
            }
            try tx.saveVLISelection(selection)
            try tx.append(
                AuditEventDraft(
                    office: office, event: note == nil ? "vli-shortlisted" : "vli-moderation-note", actor: actorName,
                    role: role.rawValue, effectiveDay: effective, recordedAt: clock.timestamp(),
                    payload: ["run": run.id, "ward": summary.name, "note": note?.rawValue ?? ""]))
        }
    }

    /// Selects a shortlisted ward as a pilot area funded by an approved decision (an officer).
    public func selectVLIWard(
        office: String, ward: String, decision: String, by actorName: String, on day: Day? = nil
    ) async throws {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        try await store.write { tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer], in: tx, for: "selecting a pilot area")
            guard var selection = try tx.vliSelections(runID: run.id).first(where: { $0.wardCode == summary.code })
            else {
                throw ServiceRefusal(
                    rule: .shortlistedBeforeSelection,
                    message: "\(summary.name) is not on the shortlist of \(run.id): shortlist and moderate it first")
            }
            let id = try decisionID(decision, office: office, in: tx)
            guard try tx.decision(id: id)?.decision?.outcome == .approved else {
                throw ServiceRefusal(
                    rule: .selectionCitesApprovedDecision, message: "decision \(decision) is not approved")
            }
            selection.status = .selected
            selection.decisionID = id
            try tx.saveVLISelection(selection)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-selected", actor: actorName, role: role.rawValue,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: ["run": run.id, "ward": summary.name, "decision": id]))
        }
    }

    // MARK: The chain from area to money

    /// One ward's chain: VLI evidence → decision → money → agreements → quarterly progress.
    public struct VLIWardView: Sendable, Encodable {
        public struct LSOA: Sendable, Encodable {
            public let code, name: String
            public let vli: Double
            public let overThreshold: Bool
        }
        public struct Allocated: Sendable, Encodable {
            public let id, recipient, recipientOrgId: String
            public let amountPence: Int64
            public let revenueContributionToCapital: Bool
        }
        public struct Agreement: Sendable, Encodable {
            public let id, state: String
            public let amountPence, paidPence: Int64
            public let returns: [Return]
        }
        public struct Return: Sendable, Encodable {
            public let id, quarter, state: String
            public let spendInQuarterPence: Int64?
        }
        public let run: String
        public let scheme: String
        public let proxies: [String]
        public let ward: VLIScoring.GroupSummary
        public let lsoas: [LSOA]
        public let status: String?
        public let notes: [VLINote]
        public let decision: String?
        public let decisionTitle: String?
        public let decisionAmountPence: Int64?
        public let allocations: [Allocated]
        public let agreements: [Agreement]
    }

    public func vliWardView(office: String, ward: String) async throws -> VLIWardView {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        return try await store.read { tx in
            let members = try tx.vliGroupMembers(office: office, grouping: "ward", code: summary.code)
            let lsoas = run.result.scores.filter { members.contains($0.code) }.sorted {
                $0.composite > $1.composite
            }.map { VLIWardView.LSOA(code: $0.code, name: $0.name, vli: $0.composite, overThreshold: $0.overThreshold) }
            let selection = try tx.vliSelections(runID: run.id).first { $0.wardCode == summary.code }
            var allocations: [VLIWardView.Allocated] = []
            var agreements: [VLIWardView.Agreement] = []
            var decision: DecisionRecord?
            if let decisionID = selection?.decisionID {
                decision = try tx.decision(id: decisionID)
                // The decision's own allocations and the agreements paying them, read through their indexes: never
                // the office's other allocations, postings or agreements.
                let own = try tx.liveAllocations(office: office, decision: decisionID).map(\.allocation).filter {
                    $0.area?.caseInsensitiveCompare(summary.name) == .orderedSame
                }
                allocations = own.map {
                    .init(
                        id: $0.id, recipient: $0.recipientName, recipientOrgId: $0.recipientOrgID,
                        amountPence: $0.amount.pence, revenueContributionToCapital: $0.revenueContributionToCapital)
                }
                for agreement in try tx.agreements(payingAllocations: own.map(\.id)) where agreement.office == office {
                    let returns = try tx.returnRecords(office: office, agreement: agreement.id).map { r in
                        VLIWardView.Return(
                            id: r.id, quarter: r.quarter.description, state: try tx.instance(id: r.id)?.state ?? "",
                            spendInQuarterPence: (r.accepted ?? r.current)?.content.spendInQuarter.pence)
                    }
                    agreements.append(
                        .init(
                            id: agreement.id, state: try tx.instance(id: agreement.id)?.state ?? "",
                            amountPence: agreement.amount.pence,
                            paidPence: agreement.paidPence,
                            returns: returns))
                }
            }
            return VLIWardView(
                run: run.id, scheme: "\(run.schemeName) v\(run.schemeVersion)", proxies: run.result.proxies,
                ward: summary, lsoas: lsoas, status: selection?.status.rawValue, notes: selection?.notes ?? [],
                decision: decision?.number, decisionTitle: decision?.title,
                decisionAmountPence: decision?.amount?.pence,
                allocations: allocations, agreements: agreements)
        }
    }

    /// Wards ranked by areas over the threshold, as an SVG bar chart with a title and text alternative.
    public static func vliChart(_ wards: [VLIScoring.GroupSummary], run: VLIRunRecord, top: Int = 15) -> String {
        let shown = Array(wards.prefix(top))
        let most = max(1, shown.map(\.overThreshold).max() ?? 1)
        let rowHeight = 24
        let width = 640
        let height = 60 + rowHeight * shown.count
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let title = "Wards ranked by LSOAs over \(Int(run.result.threshold)) (\(run.id), \(run.schemeName))"
        let summary = shown.map { "\($0.name) \($0.overThreshold)" }.joined(separator: ", ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" role="img" \
            aria-labelledby="t d" font-family="Arial, sans-serif" font-size="13">
            <title id="t">\(escape(title))</title>
            <desc id="d">\(escape(summary))</desc>
            <text x="8" y="22" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        for (i, ward) in shown.enumerated() {
            let y = 40 + i * rowHeight
            let bar = Int(Double(ward.overThreshold) / Double(most) * 300)
            svg += """
                <text x="8" y="\(y + 16)">\(escape(ward.name))</text>
                <rect x="300" y="\(y + 4)" width="\(bar)" height="16" fill="#1d70b8"/>
                <text x="\(306 + bar)" y="\(y + 16)">\(ward.overThreshold)</text>

                """
        }
        return svg + "</svg>\n"
    }
}
