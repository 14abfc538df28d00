import CSV
import OPCCCore
import OPCCStore

/// A quarterly series read from a CSV such as the Home Office's recorded crime by force and quarter
/// (`Financial_Year,Financial_Quarter,Force_Name,…,Number_of_Offences`): the rows for one area, summed per quarter.
public enum IndicatorCSV {
    /// Which columns hold the year ("2017/18"), the quarter (1–4), the area and the value; and an optional
    /// `(column, value)` a row must match.
    public struct Mapping: Sendable {
        public var year = "Financial_Year"
        public var quarter = "Financial_Quarter"
        public var area = "Force_Name"
        public var value = "Number_of_Offences"
        public var filter: (column: String, value: String)?

        public init() {}
    }

    /// The area's values per quarter, oldest first. Refused, naming the file and line, when a column is missing, a
    /// year or quarter is unreadable, a value is not a whole number, or no row is for the area.
    public static func parse(
        _ text: String, source: String, area: String, mapping: Mapping
    ) throws -> [(Quarter, Int64)] {
        func refuse(_ message: String) -> ServiceRefusal {
            ServiceRefusal(rule: .validIndicatorFile, message: "\(source): \(message)")
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch { throw refuse("\(error)") }
        let header = reader.headerRow ?? []
        let needed =
            [mapping.year, mapping.quarter, mapping.area, mapping.value] + (mapping.filter.map { [$0.column] } ?? [])
        for column in needed where !header.contains(column) {
            throw refuse("no column '\(column)' (columns: \(header.joined(separator: ", "))); use --map")
        }
        var totals: [Quarter: Int64] = [:]
        var line = 1
        while reader.next() != nil {
            line += 1
            guard reader[mapping.area] == area else { continue }
            if let filter = mapping.filter, reader[filter.column] != filter.value { continue }
            let yearText = reader[mapping.year] ?? ""
            let quarterText = reader[mapping.quarter] ?? ""
            guard let year = try? FinancialYear(parsing: yearText), let number = Int(quarterText),
                let quarter = Quarter(year: year, number: number)
            else { throw refuse("line \(line): '\(yearText)' quarter '\(quarterText)' is not a financial quarter") }
            let valueText = (reader[mapping.value] ?? "").replacingOccurrences(of: ",", with: "")
            guard let value = Int64(valueText) else {
                throw refuse("line \(line): '\(reader[mapping.value] ?? "")' is not a whole number")
            }
            let (sum, overflow) = totals[quarter, default: 0].addingReportingOverflow(value)
            guard !overflow else { throw refuse("line \(line): the total for \(quarter) is too large") }
            totals[quarter] = sum
        }
        guard !totals.isEmpty else { throw refuse("no rows for '\(area)' in \(mapping.area)") }
        return totals.keys.sorted().map { ($0, totals[$0]!) }
    }
}

extension Commissioning {
    /// Stores a context series for an agreement (finance or an officer, or the grant's own project board), replacing
    /// the values of the same quarters; one transaction, audited.
    public func importIndicatorSeries(
        agreement id: String, indicator: String, source: String, values: [(Quarter, Int64)], by actorName: String,
        on day: Day? = nil
    ) async throws {
        guard !indicator.isBlank else {
            throw ServiceRefusal(rule: .indicatorNamed, message: "give the indicator's name (--name)")
        }
        try await store.write { tx in
            guard let agreement = try tx.agreement(id: id), let instance = try tx.instance(id: id) else {
                throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
            }
            let role = try returnAccess(actorName, office: agreement.office, agreementID: id, in: tx)
            guard [.finance, .officer, .projectBoardMember].contains(role) else {
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired,
                    message: "an indicator series is imported by finance, an officer or the board")
            }
            try tx.saveIndicatorSeries(agreement: id, indicator: indicator, source: source, values: values)
            try tx.append(
                AuditEventDraft(
                    office: agreement.office, instanceID: id, workflow: instance.workflow,
                    workflowVersion: instance.workflowVersion, event: "indicator-series-imported",
                    fromState: instance.state, toState: instance.state, actor: actorName, role: role.rawValue,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: [
                        "indicator": indicator, "source": source,
                        "values": values.map { "\($0.0)=\($0.1)" }.joined(separator: "; "),
                    ]))
        }
    }
}
