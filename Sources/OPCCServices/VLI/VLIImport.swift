import CSV
import Foundation
import OPCCCore
import OPCCStore

/// One input file of a VLI import, read completely: the CSV reader is not Sendable, so every file is read before
/// the write transaction opens.
struct VLIImportTable: Sendable {
    var source: String
    var header: [String]
    var rows: [(line: Int, fields: [String])]

    /// Reads every file, reporting every 10,000 rows to `progress`; a file that is not CSV refuses the import.
    static func read(
        _ files: [(source: String, text: String)], progress: (Int) -> Void
    ) throws -> [VLIImportTable] {
        var tables: [VLIImportTable] = []
        var read = 0
        for file in files {
            let reader: CSVReader
            do { reader = try CSVReader(string: file.text, hasHeaderRow: true) } catch {
                throw VLIImportTable(source: file.source, header: [], rows: []).refusal(nil, "\(error)")
            }
            var table = VLIImportTable(source: file.source, header: reader.headerRow ?? [], rows: [])
            var line = 1
            while let row = reader.next() {
                line += 1
                table.rows.append((line, row))
                read += 1
                if read % 10_000 == 0 { progress(read) }
            }
            tables.append(table)
        }
        return tables
    }

    /// A bad file refuses the whole import, naming the file and the line.
    func refusal(_ line: Int?, _ message: String) -> ServiceRefusal {
        ServiceRefusal(
            rule: .validVliFile, message: "\(source)" + (line.map { ": line \($0)" } ?? "") + ": \(message)")
    }

    /// The position of the column `name`; refused when the file has no such column.
    func index(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw refusal(
                nil,
                "no column '\(name)' (columns: \(header.filter { !$0.isEmpty }.joined(separator: ", "))); use --map")
        }
        return i
    }

    /// Refused unless the row has as many fields as the header.
    func requireWidth(_ line: Int, _ fields: [String]) throws {
        guard fields.count == header.count else {
            throw refusal(line, "expected \(header.count) fields, found \(fields.count)")
        }
    }

    /// A count or rate (commas allowed); refused unless it is a finite number ≥ 0.
    func number(_ text: String, _ line: Int, _ what: String) throws -> Double {
        let cleaned = text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        guard let value = Double(cleaned), value.isFinite, value >= 0 else {
            throw refusal(line, "\(what) '\(text)' is not a number ≥ 0")
        }
        return value
    }
}

/// Loads the tables of one import into the store, inside its write transaction: one method per kind of file.
struct VLIImporter {
    let tx: any StoreTransaction
    let office: String
    let options: Commissioning.VLIImportOptions
    /// The study area's LSOAs: rows about others are counted as ignored.
    let study: Set<String>
    var report: Commissioning.VLIImportReport
    /// The areas (or, for support counts, the groups) the import wrote to.
    var touched: Set<String> = []

    /// The header the file uses for `key`: mapped with `--map`, or the usual one.
    func column(_ key: String, _ fallback: String) -> String { options.map[key] ?? fallback }

    mutating func load(_ table: VLIImportTable, as kind: Commissioning.VLIImportKind) throws {
        report.rows += table.rows.count
        switch kind {
        case .geography: try geography(table)
        case .population: try population(table)
        case .generic: try generic(table)
        case .policeUK: try policeUK(table)
        case .deprivation: try deprivation(table)
        case .wards: try wards(table)
        case .support: try support(table)
        }
    }

    /// The study area: one row per LSOA, with its MSOA and local authority (one police force's only, if given).
    mutating func geography(_ table: VLIImportTable) throws {
        let lsoa = try table.index(column("lsoa", "LSOA Code"))
        let name = try table.index(column("name", "LSOA Name"))
        let msoa = try table.index(column("msoa", "MSOA Code"))
        let msoaName = try table.index(column("msoaName", "MSOA Name"))
        let la = try table.index(column("la", "Local authority code"))
        let laName = try table.index(column("laName", "Local authority name"))
        let force = try options.force.map { _ in try table.index(column("force", "Police_force")) }
        for (line, f) in table.rows {
            try table.requireWidth(line, f)
            if let force, f[force] != options.force {
                report.ignored += 1
                continue
            }
            guard f[lsoa].hasPrefix("E0") || f[lsoa].hasPrefix("W0") else {
                throw table.refusal(line, "'\(f[lsoa])' is not an LSOA code (E01… or W01…)")
            }
            try tx.upsertVLIArea(
                VLIGeography(
                    office: office, lsoa: f[lsoa], name: f[name], msoaCode: f[msoa], msoaName: f[msoaName],
                    laCode: f[la], laName: f[laName]))
            touched.insert(f[lsoa])
        }
    }

    /// Households and population by LSOA from the 2011 Census file.
    mutating func population(_ table: VLIImportTable) throws {
        // The census file's header repeats "Persons" three times and has a blank column: take columns by
        // position — LSOA Code (7th), Persons, all usual residents (10th), Households (15th).
        guard table.header.count >= 15, table.header[6] == "LSOA Code", table.header[14] == "Households"
        else {
            throw table.refusal(
                1,
                "not the 2011 Census LSOA file (expected LSOA Code in column 7 and Households in column 15)"
            )
        }
        for (line, f) in table.rows {
            guard f.count >= 15 else {
                throw table.refusal(line, "expected 16 fields, found \(f.count)")
            }
            guard study.contains(f[6]) else {
                report.ignored += 1
                continue
            }
            let population = try table.number(f[9], line, "population")
            let households = try table.number(f[14], line, "households")
            _ = try tx.setVLISize(
                office: office, lsoa: f[6], households: Int(households), population: Int(population))
            touched.insert(f[6])
        }
    }

    /// Any of the six variables by LSOA, with households and population when the file has them.
    mutating func generic(_ table: VLIImportTable) throws {
        let lsoa = try table.index(column("lsoa", "lsoa"))
        var present: [(VLIScheme.Variable, Int)] = []
        for variable in VLIScheme.Variable.allCases {
            if let i = table.header.firstIndex(of: column(variable.rawValue, variable.rawValue)) {
                present.append((variable, i))
            }
        }
        guard !present.isEmpty else {
            throw table.refusal(
                1,
                "no VLI variable columns (\(Commissioning.vliGenericColumns.joined(separator: ", "))); use --map")
        }
        let households = table.header.firstIndex(of: column("households", "households"))
        let population = table.header.firstIndex(of: column("population", "population"))
        for (line, f) in table.rows {
            try table.requireWidth(line, f)
            guard study.contains(f[lsoa]) else {
                report.ignored += 1
                continue
            }
            for (variable, i) in present {
                try tx.setVLIValue(
                    office: office, lsoa: f[lsoa], variable: variable.rawValue,
                    value: try table.number(f[i], line, variable.rawValue), source: table.source)
            }
            if let households, let population {
                _ = try tx.setVLISize(
                    office: office, lsoa: f[lsoa],
                    households: Int(try table.number(f[households], line, "households")),
                    population: Int(try table.number(f[population], line, "population")))
            }
            touched.insert(f[lsoa])
        }
    }

    /// police.uk street-level crimes, counted per LSOA over the month range.
    mutating func policeUK(_ table: VLIImportTable) throws {
        let month = try table.index(column("month", "Month"))
        let lsoa = try table.index(column("lsoa", "LSOA code"))
        let type = try table.index(column("type", "Crime type"))
        var counts: [String: (burglary: Int, damage: Int)] = [:]
        for (line, f) in table.rows {
            try table.requireWidth(line, f)
            let m = f[month]
            guard m.count == 7, m.dropFirst(4).first == "-", Int(m.prefix(4)) != nil,
                let mm = Int(m.suffix(2)), (1...12).contains(mm)
            else { throw table.refusal(line, "month '\(m)' is not YYYY-MM") }
            if let from = options.fromMonth, m < from {
                report.ignored += 1
                continue
            }
            if let to = options.toMonth, m > to {
                report.ignored += 1
                continue
            }
            guard study.contains(f[lsoa]) else {
                report.ignored += 1
                continue
            }
            switch f[type] {
            case "Burglary": counts[f[lsoa], default: (0, 0)].burglary += 1
            case "Criminal damage and arson": counts[f[lsoa], default: (0, 0)].damage += 1
            default: break
            }
        }
        // The files cover the whole study area: an area with no such crimes counts 0.
        for area in study {
            let c = counts[area] ?? (0, 0)
            try tx.setVLIValue(
                office: office, lsoa: area, variable: VLIScheme.Variable.burglaryDwelling.rawValue,
                value: Double(c.burglary), source: table.source)
            try tx.setVLIValue(
                office: office, lsoa: area, variable: VLIScheme.Variable.criminalDamageDwelling.rawValue,
                value: Double(c.damage), source: table.source)
            touched.insert(area)
        }
    }

    /// The English Indices of Deprivation 2019 domain scores by LSOA.
    mutating func deprivation(_ table: VLIImportTable) throws {
        let lsoa = try table.index(column("lsoa", "LSOA code (2011)"))
        let columns: [(VLIScheme.Variable, Int)] = [
            (.incomeDeprivation, try table.index(column("income", "Income Score (rate)"))),
            (.employmentDeprivation, try table.index(column("employment", "Employment Score (rate)"))),
            (
                .educationalAttainment,
                try table.index(column("education", "Education, Skills and Training Score"))
            ),
        ]
        for (line, f) in table.rows {
            try table.requireWidth(line, f)
            guard study.contains(f[lsoa]) else {
                report.ignored += 1
                continue
            }
            for (variable, i) in columns {
                try tx.setVLIValue(
                    office: office, lsoa: f[lsoa], variable: variable.rawValue,
                    value: try table.number(f[i], line, variable.rawValue), source: table.source)
            }
            touched.insert(f[lsoa])
        }
    }

    /// The LSOA → ward (or other grouping) lookup.
    mutating func wards(_ table: VLIImportTable) throws {
        let lsoa = try table.index(column("lsoa", "lsoa"))
        let code = try table.index(column("code", "ward_code"))
        let name = try table.index(column("name", "ward_name"))
        for (line, f) in table.rows {
            guard f.count == table.header.count, !f[code].isBlank, !f[name].isBlank else {
                throw table.refusal(line, "needs an LSOA, a group code and a group name")
            }
            guard study.contains(f[lsoa]) else {
                report.ignored += 1
                continue
            }
            try tx.setVLIGroup(
                office: office, grouping: options.grouping, lsoa: f[lsoa], code: f[code], name: f[name])
            touched.insert(f[lsoa])
        }
    }

    /// Supporting counts per ward: every column but the ward code.
    mutating func support(_ table: VLIImportTable) throws {
        let code = try table.index(column("code", "ward_code"))
        let datasets = table.header.indices.filter { $0 != code && !table.header[$0].isBlank }
        for (line, f) in table.rows {
            try table.requireWidth(line, f)
            for i in datasets {
                try tx.setVLISupport(
                    office: office, grouping: options.grouping, code: f[code], dataset: table.header[i],
                    value: try table.number(f[i], line, table.header[i]), source: table.source)
            }
            touched.insert(f[code])
        }
    }
}
