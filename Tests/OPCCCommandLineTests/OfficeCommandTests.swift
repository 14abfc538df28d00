import Foundation
import Testing

/// A Surrey-like profile (`044/2020`) in a file of its own folder.
private func surreyFile(deadline: Int = 5, extra: String = "") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-office-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("surrey.yaml").path
    let text = """
        id: surrey
        name: Office of the Police and Crime Commissioner for Surrey
        decisionNumbering:
          template: "{seq:3}/{year}"
          reset: calendar-year
        publication:
          part1DeadlineWorkingDays: \(deadline)
        signatories:
          - position: originating-officer
            title: Originating officer declaration
            kind: declaration
            role: officer
          - position: chief-executive
            title: Officer approval (Chief Executive)
            kind: approval
            role: chief-executive
        roles: [officer, finance, chief-executive, commissioner, auditor, public]

        """
    try (text + extra).write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Runs `serve` on `db` until it says it is serving; returns what it printed.
private func serveOutput(_ db: String) async throws -> String {
    let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
    let log = folder.appendingPathComponent("serve-\(UUID().uuidString).log")
    try #require(FileManager.default.createFile(atPath: log.path, contents: nil))
    let output = try FileHandle(forWritingTo: log)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = opccExecutable
    process.arguments = ["serve", "--db", db, "--port", String(Int.random(in: 20_000...60_000))]
    process.currentDirectoryURL = repositoryRoot
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
        process.terminate()
        process.waitUntilExit()
    }
    var text = ""
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline, process.isRunning, !text.contains("serving on") {
        try await Task.sleep(for: .milliseconds(250))
        text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }
    return text
}

@Suite("opcc office add|edit|versions, opcc user grant|revoke|disable|enable, and serve's set-up link")
struct OfficeCommandTests {
    @Test func anOfficeIsAddedEditedAndItsPeopleManagedWithTheProductsOwnCommands() async throws {
        let db = temporaryDatabase()
        let file = try surreyFile()
        let added = try await opcc(["office", "add", "--file", file, "--as", "j.smith", "--db", db])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added office surrey") && added.stdout.contains("profile version 1"))
        let again = try await opcc(["office", "add", "--file", file, "--as", "j.smith", "--db", db])
        #expect(again.status == 1 && again.stderr.contains("office-id-unique") && again.stderr.contains("'surrey'"))
        let bad = try await opcc([
            "office", "add", "--file", try surreyFile(extra: "colour: blue\n"), "--as", "j.smith", "--db", db,
        ])
        #expect(bad.status == 1 && bad.stderr.contains("valid-office-profile") && bad.stderr.contains("line 18"))
        for (name, role, actor) in [("s.admin", "administrator", "j.smith"), ("s.officer", "officer", "s.admin")] {
            let person = try await opcc([
                "user", "add", name, "--role", role, "--office", "surrey", "--as", actor, "--db", db,
            ])
            #expect(person.status == 0, "\(person.stderr)")
        }
        let edit = ["office", "edit", "surrey", "--file", try surreyFile(deadline: 4), "--db", db]
        let byOfficer = try await opcc(edit + ["--as", "s.officer"])
        #expect(byOfficer.status == 1 && byOfficer.stderr.contains("office-edited-by-chief-executive-or-administrator"))
        let byAdmin = try await opcc(edit + ["--as", "s.admin"])
        #expect(byAdmin.status == 0 && byAdmin.stdout.contains("profile version 2"), "\(byAdmin.stderr)")
        let versions = try await opcc(["office", "versions", "surrey", "--json", "--db", db])
        #expect(versions.stdout.contains("\"recordedBy\" : \"j.smith\"") && versions.stdout.contains("\"version\" : 2"))
        let steps: [([String], String)] = [
            (["grant", "s.officer", "--role", "finance"], "granted finance to s.officer"),
            (["revoke", "s.officer", "--role", "finance"], "ended finance of s.officer"),
            (["disable", "s.officer"], "disabled s.officer"),
            (["enable", "s.officer"], "enabled s.officer"),
        ]
        for (arguments, printed) in steps {
            let done = try await opcc(["user"] + arguments + ["--as", "s.admin", "--db", db])
            #expect(done.status == 0 && done.stdout.contains(printed), "\(arguments): \(done.stderr)")
        }
        let lacking = try await opcc([
            "user", "revoke", "s.officer", "--role", "finance", "--as", "s.admin", "--db", db,
        ])
        #expect(lacking.status == 1 && lacking.stderr.contains("grant-held"))
        let last = try await opcc(["user", "disable", "s.admin", "--as", "s.admin", "--db", db])
        #expect(last.status == 1 && last.stderr.contains("people-manager-kept"))
    }

    @Test func serveOnAnEmptyDatabasePrintsASetUpLinkAndOnAnOfficesDatabaseNone() async throws {
        let empty = temporaryDatabase()
        let first = try await serveOutput(empty)
        #expect(first.contains("serving on"), "\(first)")
        let link = try #require(first.firstMatch(of: /\/setup\/([A-Za-z0-9_-]{43})/))
        #expect(first.contains("this database has no office yet"))
        // Only the token's hash is stored.
        let dump = try String(contentsOfFile: empty, encoding: .isoLatin1)
        #expect(!dump.contains(String(link.1)))
        let withOffice = temporaryDatabase()
        let added = try await opcc(["office", "add", "--file", try surreyFile(), "--as", "j.smith", "--db", withOffice])
        #expect(added.status == 0)
        let second = try await serveOutput(withOffice)
        #expect(second.contains("serving on") && !second.contains("/setup/"), "\(second)")
    }
}
