import Foundation
import OPCCCore
import OPCCStore

/// Pilot areas by the Vulnerable Localities Index (seed 000): import the study area's inputs, score them under a
/// declared scheme, rank the wards, moderate and select, and follow the money from a selected ward to its returns.
extension Commissioning {
    /// The kinds of file `opcc vli import` reads.
    public enum VLIImportKind: String, Sendable, CaseIterable {
        /// ONS LSOA geography (`lsoa-police-force-2011.csv`): defines the study area, optionally one police force's.
        case geography
        /// 2011 Census households and population by LSOA (`lsoa-population-census-2011.csv`), taken by position.
        case population
        /// LSOA code and any of the six variables (named by their scheme ids, or mapped).
        case generic
        /// police.uk street-level crime files, counted per LSOA over a month range.
        case policeUK = "police-uk"
        /// English Indices of Deprivation 2019 domain scores by LSOA.
        case deprivation
        /// LSOA → ward (or any grouping) lookup.
        case wards
        /// Supporting counts per ward (IOM offenders, victims, ASB incidents, …: every column but the ward code).
        case support
    }

    /// How to read an import: column mapping (`key=Header`), police force, month range, grouping name.
    public struct VLIImportOptions: Sendable {
        public var map: [String: String] = [:]
        public var force: String?
        public var fromMonth: String?
        public var toMonth: String?
        public var grouping = "ward"

        public init() {}
    }

    /// What an import did.
    public struct VLIImportReport: Sendable, Encodable {
        public var kind: String
        public var rows: Int
        public var areas: Int
        /// Rows about LSOAs outside the study area (or, for police.uk, without a location or outside the months).
        public var ignored: Int
    }

    static let vliGenericColumns = VLIScheme.Variable.allCases.map(\.rawValue)

    /// Imports one kind of input from files (one transaction for all of them): a bad row refuses everything, naming
    /// the file, the line and the reason.
    @discardableResult
    public func importVLI(
        _ kind: VLIImportKind, files: [(source: String, text: String)], options: VLIImportOptions = .init(),
        office: String, by actorName: String, on day: Day? = nil, progress: (Int) -> Void = { _ in }
    ) async throws -> VLIImportReport {
        // Read every file completely before the write transaction (the CSV reader is not Sendable).
        let tables = try VLIImportTable.read(files, progress: progress)
        let effective = day ?? clock.today()
        return try await store.write { tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer, .finance], in: tx, for: "a VLI import")
            let study = Set(try tx.vliGeography(office: office).map(\.lsoa))
            if kind != .geography && study.isEmpty {
                throw ServiceRefusal(
                    rule: .vliStudyAreaFirst, message: "import the study area first: opcc vli import geography")
            }
            var importer = VLIImporter(
                tx: tx, office: office, options: options, study: study,
                report: VLIImportReport(kind: kind.rawValue, rows: 0, areas: 0, ignored: 0))
            for table in tables { try importer.load(table, as: kind) }
            var report = importer.report
            report.areas = importer.touched.count
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-import", actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(),
                    payload: [
                        "kind": kind.rawValue, "files": files.map(\.source).joined(separator: ", "),
                        "rows": String(report.rows), "areas": String(report.areas), "ignored": String(report.ignored),
                    ]))
            return report
        }
    }
}
