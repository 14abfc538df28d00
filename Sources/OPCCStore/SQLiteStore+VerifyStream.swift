import Foundation
import OPCCCore

/// An instance as `audit verify` rebuilds it: the instance and the events of its own that move it, in sequence order.
public struct InstanceHistory: Sendable {
    public let instance: WorkflowInstance
    /// The state the newest creation event (no `from` state) started it in; nil when it has none.
    public var created: String?
    /// The names of its creation events.
    public var creationEvents: [String] = []
    /// Every other move, oldest first.
    public var transitions: [(from: String, to: String)] = []
}

extension SQLTransaction {
    // MARK: What `audit verify` reads, streamed in bounded chunks

    /// Every instance (`office`'s only when given) in the order instances were created, with its events' moves, read
    /// `chunk` instances at a time after the last one read (the instances by their creation order, their events by
    /// the instance index): `visit` gets one chunk at a time and returns false to stop.
    func forEachInstanceHistory(
        office: String?, chunk: Int, _ visit: ([InstanceHistory]) throws -> Bool
    ) throws {
        let order = dialect == .sqlite ? "rowid" : "row_order"
        var after: Int64 = -1
        while true {
            var histories: [InstanceHistory] = []
            var index: [String: Int] = [:]
            try forEachRow(
                sql: """
                    SELECT \(Self.instanceColumns), \(order) FROM workflow_instance
                    WHERE \(order) > ? \(office == nil ? "" : "AND office_id = ?") ORDER BY \(order) LIMIT \(chunk)
                    """, arguments: office.map { [after, $0] } ?? [after]
            ) { row in
                let day: String? = row[7]
                let instance = WorkflowInstance(
                    id: row[0], office: row[1], workflow: row[2], workflowVersion: row[3], state: row[4],
                    version: row[5], recordRef: row[6], lastEffectiveDay: try day.map { try Day(iso: $0) })
                index[instance.id] = histories.count
                histories.append(InstanceHistory(instance: instance))
                after = row[8]
                return true
            }
            guard !histories.isEmpty else { return }
            let ids = histories.map(\.instance.id)
            var arguments = SQLArguments(ids)
            if let office { arguments += [office] }
            try forEachRow(
                sql: """
                    SELECT instance_id, event, from_state, to_state FROM audit_event
                    WHERE instance_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
                        \(office == nil ? "" : "AND office_id = ?") AND to_state IS NOT NULL
                    ORDER BY instance_id, seq
                    """, arguments: arguments
            ) { row in
                let id: String = row[0]
                guard let i = index[id] else { return true }
                let to: String = row[3]
                if let from: String = row[2] {
                    histories[i].transitions.append((from, to))
                } else {
                    histories[i].created = to
                    histories[i].creationEvents.append(row[1])
                }
                return true
            }
            guard try visit(histories), histories.count == chunk else { return }
        }
    }

    /// The seal of every sealed record as it stands in the tables (`office`'s only when given), in the order of
    /// `recordSeals(office:)`, kind by kind, each kind read `chunk` records at a time by key: `visit` gets one chunk
    /// at a time, so no more than a chunk of records' contents is ever held. The allocations (most of a national
    /// host's records) are sealed from their columns' bytes (`allocationSealHashes`), the other kinds as
    /// `recordSeals` seals them.
    func forEachRecordSealChunk(office: String?, chunk: Int, _ visit: ([RecordSealHash]) throws -> Void) throws {
        func hashed(
            _ seals: @escaping (String, SQLArguments) throws -> [RecordSeal]
        ) -> (String, SQLArguments) throws -> [RecordSealHash] {
            { try seals($0, $1).map(RecordSealHash.init) }
        }
        let byOffice = office == nil ? "1 = 1" : "office_id = ?"
        let arguments: SQLArguments = office.map { [$0] } ?? []
        /// The kind's records in chunks of `chunk` keys: the kind's reader runs on `condition` narrowed to the keys
        /// after the last chunk's, up to the chunk's last.
        func chunked(
            _ table: String, key: String, where condition: String,
            _ seals: (String, SQLArguments) throws -> [RecordSealHash]
        ) throws {
            var after: String?
            while true {
                let lower = after == nil ? "" : " AND \(key) > ?"
                let lowerArguments: SQLArguments = after.map { [$0] } ?? []
                let upTo = try fetchValue(
                    String.self,
                    sql: "SELECT \(key) FROM \(table) WHERE (\(condition))\(lower) ORDER BY \(key) "
                        + "LIMIT 1 OFFSET \(chunk - 1)", arguments: arguments + lowerArguments)
                let upper = upTo == nil ? "" : " AND \(key) <= ?"
                let upperArguments: SQLArguments = upTo.map { [$0] } ?? []
                try visit(try seals("(\(condition))\(lower)\(upper)", arguments + lowerArguments + upperArguments))
                guard let upTo else { return }
                after = upTo
            }
        }
        try visit(try officeSeals(where: office == nil ? "1 = 1" : "id = ?", arguments).map(RecordSealHash.init))
        try chunked("person", key: "name", where: byOffice, hashed(personSeals))
        try chunked(
            "decision_record r", key: "r.id", where: office == nil ? "1 = 1" : "r.office_id = ?",
            hashed(decisionSeals))
        try chunked("grant_agreement", key: "id", where: byOffice, hashed(agreementSeals))
        try chunked("quarterly_return", key: "id", where: byOffice, hashed(returnSeals))
        try chunked("carry_forward", key: "id", where: byOffice, hashed(carryForwardSeals))
        try visit(try strandSeals(where: byOffice, arguments).map(RecordSealHash.init))
        try chunked("allocation", key: "id", where: byOffice, allocationSealHashes)
        try chunked("priority_assessment", key: "id", where: byOffice, hashed(priorityAssessmentSeals))
        try chunked("vli_run", key: "id", where: byOffice, hashed(vliRunSeals))
        try chunked("variation_proposal", key: "id", where: byOffice, hashed(variationSeals))
        try chunked(
            "indicator_value", key: "agreement_id",
            where: office == nil ? "1 = 1" : "agreement_id IN (SELECT id FROM grant_agreement WHERE office_id = ?)",
            hashed(indicatorSeals))
        try chunked("document", key: "id", where: byOffice, hashed(documentSeals))
    }
}
