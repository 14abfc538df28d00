import Foundation
import OPCCTestSupport
import Testing

/// The folder holding Package.swift.
private let root: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return url
}()

private func fixture(_ path: String) -> String { root.appendingPathComponent(path).path }

/// `opcc ARGUMENTS --db DB`, which must succeed; its standard output.
@discardableResult
private func succeed(
    _ arguments: [String], db: String, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> String {
    let result = try await opcc(arguments + ["--db", db])
    try #require(
        result.status == 0, "opcc \(arguments.joined(separator: " ")): \(result.stderr)",
        sourceLocation: sourceLocation)
    return result.stdout
}

/// The `SEQ:HASH` after `head ` in an export's or a verification's line.
private func head(in line: String) throws -> String {
    let rest = try #require(line.components(separatedBy: "head ").last)
    return String(rest.prefix { !$0.isWhitespace && $0 != "," })
}

/// What a reader sees of an office, as the product prints it: the register, every record's details and the audit
/// log up to `upTo` events. Two databases holding the same office print the same.
private func officeView(_ office: String, db: String, as reader: String, events upTo: Int) async throws -> String {
    let register = try await succeed(
        ["decision", "list", "--office", office, "--format", "json", "--as", reader], db: db)
    let log = try await succeed(["audit", "log", "--json", "--as", reader], db: db)
    let events = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [Any])
    let kept = try JSONSerialization.data(withJSONObject: Array(events.prefix(upTo)), options: [.sortedKeys])
    return register + "\n" + String(decoding: kept, as: UTF8.self)
}

private func eventCount(db: String, as reader: String) async throws -> Int {
    let log = try await succeed(["audit", "log", "--json", "--as", reader], db: db)
    return try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [Any]).count
}

/// The empty databases an export is imported into: a SQLite file, and a PostgreSQL database when a server is named.
private func emptyDatabases() throws -> [String] {
    var databases = [temporaryDatabase()]
    if OutsideTool.postgresURL != nil { databases.append(try PostgresTestDatabase.migrated().url) }
    return databases
}

/// Exports `office` from `db`, imports the bundle into each empty database, and checks each verifies to the exported
/// head and shows the reader the same office.
private func exportAndReimport(
    _ office: String, from db: String, reader: String, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let folder = URL(fileURLWithPath: temporaryDatabase()).deletingLastPathComponent()
    let bundle = folder.appendingPathComponent("\(office)-bundle-\(UUID().uuidString)").path
    let exported = try await succeed(["export", "office", office, "--out", bundle], db: db)
    let exportedHead = try head(in: exported)
    let events = try await eventCount(db: db, as: reader)
    let before = try await officeView(office, db: db, as: reader, events: events)
    for target in try emptyDatabases() {
        try await succeed(["import", "office", bundle], db: target, sourceLocation: sourceLocation)
        let verified = try await succeed(
            ["audit", "verify", "--office", office, "--head", exportedHead], db: target, sourceLocation: sourceLocation)
        #expect(verified.hasPrefix("audit log intact"), "\(verified)", sourceLocation: sourceLocation)
        try await succeed(["audit", "verify"], db: target, sourceLocation: sourceLocation)
        let after = try await officeView(office, db: target, as: reader, events: events)
        #expect(after == before, "\(office) differs after import into \(target)", sourceLocation: sourceLocation)
        #expect(try await eventCount(db: target, as: reader) == events + 1, "one office-imported event more")
    }
}

@Suite("An office from its first day: set up, people, its past, a new decision, and leaving (issue 26)")
struct OfficeFirstDayTests {
    @Test func aNewOfficeIsSetUpFromEmptyWithTheProductsOwnCommandsAndLeavesWithItsData() async throws {
        let db = temporaryDatabase()
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        // The office, from its profile: Surrey-like numbering, 044/2020.
        let added = try await succeed(
            ["office", "add", "--file", fixture("fixtures/new-office/surrey.yaml"), "--as", "j.setup"], db: db)
        #expect(added.contains("added office surrey"), "\(added)")
        // Its first person, an administrator; then its people from the staff list, and an invitation by mail.
        try await succeed(
            [
                "user", "add", "surrey.admin", "--role", "administrator", "--display-name", "Office administrator",
                "--office", "surrey", "--as", "j.setup",
            ], db: db)
        try await succeed(
            ["import", "people", fixture("fixtures/import/people.csv"), "--office", "surrey", "--as", "surrey.admin"],
            db: db)
        let invited = try await succeed(
            ["user", "invite", "r.whitfield", "--as", "surrey.admin", "--public-url", "https://opcc.example"], db: db)
        #expect(invited.contains("queued an invitation for r.whitfield"), "\(invited)")

        // Its past: a 500-row register (2017 to 2021), then the published register of 2022-23 and the grants on it.
        let register = folder.appendingPathComponent("register-500.csv")
        try ImportRegisterGenerator.register(count: 500, firstYear: 2017).write(
            to: register, atomically: true, encoding: .utf8)
        let imported = try await succeed(
            ["import", "decisions", register.path, "--office", "surrey", "--as", "r.whitfield"], db: db)
        #expect(imported.components(separatedBy: "\nrow ").count - 1 == 500, "\(imported.suffix(300))")
        try await succeed(
            [
                "import", "decisions", fixture("fixtures/import/decisions-register.csv"), "--office", "surrey", "--as",
                "r.whitfield",
            ], db: db)
        try await succeed(
            ["import", "grants", fixture("fixtures/import/grants.csv"), "--office", "surrey", "--as", "s.lloyd-evans"],
            db: db)

        // A new decision, raised, signed off, decided and published: its number follows the imported ones.
        let draft = folder.appendingPathComponent("draft.yaml")
        try """
        title: Night-time economy safe space, 2024
        executiveSummary: A second year of the town-centre safe space for people who feel unsafe at night.
        recommendation: That the PCC approves £18,000 from the Safer communities strand.
        amount: "£18,000"

        """.write(to: draft, atomically: true, encoding: .utf8)
        let on = ["--office", "surrey", "--on", "2024-03-04"]
        let raised = try await succeed(
            ["decision", "raise", "--file", draft.path, "--as", "r.whitfield"] + on, db: db)
        let id = String(raised.dropFirst("raised ".count).prefix { $0 != ":" })
        let submitted = try await succeed(["decision", "submit", id, "--as", "r.whitfield"] + on, db: db)
        #expect(submitted.hasPrefix("001/2024"), "2024's numbers start afresh: \(submitted)")
        try await succeed(
            [
                "decision", "sign", id, "--position", "originating-officer", "--name", "Ruth Whitfield", "--as",
                "r.whitfield",
            ] + on, db: db)
        try await succeed(
            [
                "decision", "sign", id, "--position", "chief-executive", "--name", "Nkechi Okafor", "--as",
                "n.okafor",
            ] + on, db: db)
        try await succeed(["decision", "refer", id, "--as", "n.okafor"] + on, db: db)
        try await succeed(
            ["decision", "decide", id, "--approve", "--interests", "none", "--as", "j.adeyemi"] + on, db: db)
        let published = try await succeed(["decision", "publish", id, "--as", "r.whitfield"] + on, db: db)
        #expect(published == "001/2024: published\n")
        // A number the register reserved is never given again: 2021's sequence continues after the import's.
        let late = try await succeed(
            [
                "decision", "raise", "--file", draft.path, "--as", "r.whitfield", "--office", "surrey", "--on",
                "2021-12-20",
            ], db: db)
        let lateID = String(late.dropFirst("raised ".count).prefix { $0 != ":" })
        let lateNumber = try await succeed(
            ["decision", "submit", lateID, "--as", "r.whitfield", "--office", "surrey", "--on", "2021-12-20"], db: db)
        #expect(lateNumber.hasPrefix("021/2021"), "20 rows of 2021 were imported: \(lateNumber)")
        try await succeed(["audit", "verify"], db: db)

        // Leaving: the office's bundle re-imports into empty SQLite and PostgreSQL databases.
        try await exportAndReimport("surrey", from: db, reader: "k.morgan")
    }

    @Test func eachOfTheFourDemoOfficesLeavesADatabaseHoldingAllFour() async throws {
        let db = temporaryDatabase()
        try await succeed(["demo"], db: db)
        let readers = [
            "cumbria": "cumbria.auditor", "lincolnshire": "lincs.auditor", "leicestershire": "leics.chief-executive",
            "west-midlands": "wm.chief-executive",
        ]
        for (office, reader) in readers.sorted(by: { $0.key < $1.key }) {
            try await exportAndReimport(office, from: db, reader: reader)
        }
    }
}
